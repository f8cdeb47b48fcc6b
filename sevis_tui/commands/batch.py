"""`sevis-tui batch check|upload|download`: the batch interface over mutual TLS.

    sevis-tui batch check    --program P-1-00001 --user-id jsmith6544 --key me.p12
    sevis-tui batch upload   FILE.xml [--batch-id ID] --program ... --user-id ... --key ...
    sevis-tui batch download --batch-id ID [-o DIR] --program ... --user-id ... --key ...

The key is the batch client's PKCS#12 (.p12/.pfx); its password comes from --password-file
(`-` for standard input) or a prompt, never from the command line. With no server configured,
the commands talk to the demo's own batch listener, started for the command.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevis_tui.commands import CommandError, add_secret_file_option
from sevis_tui.config import Settings

if TYPE_CHECKING:
    from sevis_tui.api.batch_client import BatchClient, BatchIdentity, BatchReply
    from sevis_tui.api.batch_verdict import Verdict
    from sevis_tui.batch_endpoint import BatchEndpoint

EPILOG = """\
Exit status: 0 when the batch interface accepted (check, upload) or delivered (download);
1 when it refused (the reason and what to do are printed); 2 on a usage or setup problem (bad
option, unreadable file, wrong PKCS#12 password, unreachable service).

--json prints one JSON object: for check the verdict (kind, accepted, headline, message,
remedy, code, facts); for upload and download the reply (accepted, code, reason, message,
remedy, details) and, for a download, the path written.

Record processing is not simulated: an upload is checked, counted and stored; the
transaction log reports the upload and its record count (docs/api.md, Batch interface).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    actions = parser.add_subparsers(dest="batch_command", metavar="ACTION", required=True)

    def action(name: str, summary: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=summary, description=summary, epilog=EPILOG)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
        sub.add_argument("--program", required=True, help="the program number (orgid)")
        sub.add_argument("--user-id", required=True, help="your SEVIS user ID (userid)")
        sub.add_argument("--key", required=True, metavar="FILE.p12", help="the PKCS#12 file")
        add_secret_file_option(sub, "--password-file", "the .p12's password")
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        return sub

    action("check", "check that this key, certificate and user ID are accepted")
    upload = action("upload", "upload a batch XML file")
    upload.add_argument("file", metavar="FILE.xml")
    upload.add_argument("--batch-id", help="14 letters and digits (default: a new one)")
    download = action("download", "download a batch's transaction log (a ZIP)")
    download.add_argument("--batch-id", required=True)
    download.add_argument("-o", "--output", metavar="DIR", default=".", help="folder for the ZIP")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sevis_tui.api.batch_client import BatchError

    try:
        identity = _identity(args, settings.certificates.max_file_bytes)
    except BatchError as error:  # the key and certificate do not match: a verdict
        return _refused_by_client(args, error, "")
    try:
        return asyncio.run(_run(args, settings, identity))
    except BatchError as error:
        if error.code == "handshake_refused":
            return _refused_by_client(args, error, identity.sha256)
        raise CommandError(f"{error.message} {error.remedy}") from None


def _identity(args: argparse.Namespace, max_bytes: int) -> BatchIdentity:
    from sevis_tui.api.batch_client import BatchError, read_pkcs12
    from sevis_tui.certificate_files import UnreadableInput, read_input

    path = Path(args.key).expanduser()
    try:
        data = read_input(path, "--key", max_bytes)  # never blocks on a FIFO, within the limit
    except UnreadableInput as error:
        raise CommandError(str(error)) from None
    password = _password(args.password_file, path.name)
    try:
        return read_pkcs12(data, password, path.name)
    except BatchError as error:
        if error.code == "key_mismatch":
            raise
        raise CommandError(f"{error.message} {error.remedy}") from None
    finally:
        password[:] = b"\0" * len(password)


def _password(password_file: str | None, name: str) -> bytearray:
    """The .p12's password: from a private file ('-': standard input), or typed, masked."""
    from sevis_tui.commands.secrets import existing_secret

    return bytearray(
        existing_secret(
            password_file, f"Password of {name}: ", "password", "--password-file", may_be_empty=True
        )
    )


async def _run(args: argparse.Namespace, settings: Settings, identity: BatchIdentity) -> int:
    from sevis_tui.api.batch_client import BatchClient
    from sevis_tui.batch_endpoint import open_batch_endpoint

    endpoint = await asyncio.to_thread(open_batch_endpoint, settings)
    try:
        async with BatchClient(
            endpoint.url, identity, ca_pem=endpoint.ca_pem, ca_bundle=endpoint.ca_bundle
        ) as client:
            if args.batch_command == "check":
                return await _check(args, client, identity)
            if args.batch_command == "upload":
                return await _upload(args, client)
            return await _download(args, client, endpoint)
    finally:
        endpoint.stop()


async def _check(args: argparse.Namespace, client: BatchClient, identity: BatchIdentity) -> int:
    from sevis_tui.api.batch_verdict import from_reply

    verdict = from_reply(await client.check(args.program, args.user_id), identity.sha256)
    _print_verdict(args, verdict)
    return 0 if verdict.accepted else 1


def _refused_by_client(args: argparse.Namespace, error: Any, presented: str) -> int:
    from sevis_tui.api.batch_verdict import from_error

    _print_verdict(args, from_error(error, presented))
    return 1


def _print_verdict(args: argparse.Namespace, verdict: Verdict) -> None:
    if args.json:
        print(json.dumps(verdict.to_dict(), ensure_ascii=True))
        return
    print(verdict.headline)
    print(f"  {verdict.message}")
    for label, value in verdict.facts:
        if value:
            print(f"  {label}: {value}")
    print(f"  What to do: {verdict.remedy}")


async def _upload(args: argparse.Namespace, client: BatchClient) -> int:
    from sevis_tui.api.batch_client import new_batch_id

    path = Path(args.file).expanduser()
    try:
        xml = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    batch_id = args.batch_id or new_batch_id(dt.datetime.now(dt.UTC))
    reply = await client.upload(args.program, args.user_id, xml, path.name, batch_id)
    _print_reply(args, reply, {"batch_id": batch_id})
    return 0 if reply.accepted else 1


async def _download(args: argparse.Namespace, client: BatchClient, endpoint: BatchEndpoint) -> int:
    from sevis_tui.files import write_atomic

    answer = await client.download(args.program, args.user_id, args.batch_id)
    if not isinstance(answer, bytes):
        _print_reply(args, answer, {"batch_id": args.batch_id})
        return 1
    folder = Path(args.output).expanduser()
    target = folder / f"{args.batch_id}.zip"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, answer, 0o600)
    except OSError as error:
        raise CommandError(f"cannot write {target}: {error.strerror}") from None
    if args.json:
        print(json.dumps({"accepted": True, "path": str(target), "batch_id": args.batch_id}))
    else:
        print(f"Saved the transaction log of batch {args.batch_id} to {target}")
    return 0


def _print_reply(args: argparse.Namespace, reply: BatchReply, extra: dict[str, str]) -> None:
    if args.json:
        body = {
            "accepted": reply.accepted,
            "code": reply.code,
            "reason": reply.reason,
            "message": reply.message,
            "remedy": reply.remedy,
            "details": reply.details,
            **extra,
        }
        print(json.dumps(body, ensure_ascii=True))
        return
    if reply.accepted:
        print(f"Accepted: {reply.message}")
        print(f"  Batch ID: {extra.get('batch_id', '')}")
        return
    print(f"Refused ({reply.code} {reply.reason}): {reply.message}")
    print(f"  What to do: {reply.remedy}")

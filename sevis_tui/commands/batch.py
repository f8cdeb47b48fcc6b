"""`sevis-tui batch check|upload|download|validate|results`: the batch interface.

    sevis-tui batch check    --program P-1-00001 --user-id jsmith6544 --key me.p12
    sevis-tui batch upload   FILE.xml [--batch-id=ID] --program ... --user-id ... --key ...
    sevis-tui batch download --batch-id=ID [-o DIR] --program ... --user-id ... --key ...
    sevis-tui batch validate FILE.xml [--program ...] [--user-id ...]      (offline)
    sevis-tui batch results  LOG.zip|LOG.xml                               (offline)

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

from sevis_tui.commands import CommandError, add_secret_file_option, batch_files
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from sevis_tui.api.batch_client import BatchClient, BatchIdentity, BatchReply
    from sevis_tui.api.batch_verdict import Verdict
    from sevis_tui.wiring.batch_endpoint import BatchEndpoint

EPILOG = """\
Exit status: 0 when the batch interface accepted (check, upload) or delivered a log whose
records all succeeded (download); validate: 0 when the file is valid; results: 0 when the log
matches SevisTransLog.xsd and every record succeeded. 1 when refused, invalid or a record
failed (each problem and what to do are printed); 2 on a usage or setup problem (bad option,
unreadable file, wrong PKCS#12 password, unreachable service).

--json prints one JSON object: for check the verdict (kind, accepted, headline, message,
remedy, code, facts); for upload the reply (accepted, code, reason, message, remedy, details,
findings); for download the path written and the log's results; for validate the findings
(code, severity, message, remedy, line, path); for results the log.

upload checks the file offline first (as validate does) and sends nothing when it has
problems. A batch ID is any 14 characters; one that starts with - is given as
--batch-id=----kynEn47azQ. Without --batch-id, upload takes the file's BatchHeader/BatchID;
--new-batch-id makes a new one and writes it into the copy sent (the file is unchanged), to
send a file again (a batch ID is used once). Our batch interface processes records with a
simulation of a few SEVIS rules (docs/domain.md, The batch interface).
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
    upload = action("upload", "upload a batch XML file (checked offline first)")
    upload.add_argument("file", metavar="FILE.xml")
    which = upload.add_mutually_exclusive_group()
    which.add_argument(
        "--batch-id", help="any 14 characters (default: the file's BatchHeader/BatchID)"
    )
    which.add_argument(
        "--new-batch-id",
        action="store_true",
        help="send with a new batch ID, written into the copy sent (the file is unchanged)",
    )
    download = action("download", "download a batch's transaction log (a ZIP) and show it")
    download.add_argument("--batch-id", required=True)
    download.add_argument("-o", "--output", metavar="DIR", default=".", help="folder for the ZIP")
    offline = (
        ("validate", "check a batch XML file offline (schema 6.27 and the door's rules)"),
        ("results", "show a transaction log (.zip or .xml) from any SEVIS system"),
    )
    for name, summary in offline:
        sub = actions.add_parser(name, help=summary, description=summary, epilog=EPILOG)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
        (batch_files.add_validate if name == "validate" else batch_files.add_results)(sub)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sevis_tui.api.batch_client import BatchError

    if args.batch_command == "validate":
        return batch_files.validate(args)
    if args.batch_command == "results":
        return batch_files.results(args)
    prepared = _prepare_upload(args) if args.batch_command == "upload" else None
    if isinstance(prepared, int):
        return prepared  # the file has problems: nothing sent

    try:
        identity = _identity(args, settings.certificates.max_file_bytes)
    except BatchError as error:  # the key and certificate do not match: a verdict
        return _refused_by_client(args, error, "")
    try:
        return asyncio.run(_run(args, settings, identity, prepared))
    except BatchError as error:
        if error.code == "handshake_refused":
            return _refused_by_client(args, error, identity.sha256)
        raise CommandError(f"{error.message} {error.remedy}") from None


def _identity(args: argparse.Namespace, max_bytes: int) -> BatchIdentity:
    from sevis_tui.api.batch_client import BatchError, read_pkcs12
    from sevis_tui.storage.certificate_files import UnreadableInput, read_input

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


def _prepare_upload(args: argparse.Namespace) -> tuple[bytes, str] | int:
    """The file and its batch ID when it passes the offline check, else 1 (problems printed)."""
    from sevis_tui.api.batch_client import new_batch_id
    from sevis_tui.sevis_batch.check import Expected, with_batch_id

    path = Path(args.file).expanduser()
    given = " ".join((args.batch_id or "").split())
    if args.new_batch_id:
        given = new_batch_id(dt.datetime.now(dt.UTC))
    expected = Expected(program=args.program, user_id=args.user_id, batch_id=given)
    xml, checked = batch_files.read_and_check(path, expected, rewrite=args.new_batch_id)
    if not checked.valid:
        batch_files.print_check(path, checked, as_json=args.json, upload=True)
        return 1
    if args.new_batch_id:
        xml = with_batch_id(xml, given)
    return xml, given or checked.batch_id


async def _run(
    args: argparse.Namespace,
    settings: Settings,
    identity: BatchIdentity,
    prepared: tuple[bytes, str] | None,
) -> int:
    from sevis_tui.api.batch_client import BatchClient
    from sevis_tui.wiring.batch_endpoint import open_batch_endpoint

    endpoint = await asyncio.to_thread(open_batch_endpoint, settings)
    try:
        async with BatchClient(
            endpoint.url, identity, ca_pem=endpoint.ca_pem, ca_bundle=endpoint.ca_bundle
        ) as client:
            if args.batch_command == "check":
                return await _check(args, client, identity)
            if prepared is not None:
                return await _upload(args, client, *prepared)
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


async def _upload(args: argparse.Namespace, client: BatchClient, xml: bytes, batch_id: str) -> int:
    path = Path(args.file)
    reply = await client.upload(args.program, args.user_id, xml, path.name, batch_id)
    _print_reply(args, reply, {"batch_id": batch_id})
    return 0 if reply.accepted else 1


async def _download(args: argparse.Namespace, client: BatchClient, endpoint: BatchEndpoint) -> int:
    from sevis_tui.sevis_batch.translog import read_log
    from sevis_tui.storage.atomic import write_atomic

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
    read = read_log(answer)
    if args.json:
        body = {
            "accepted": True,
            "path": str(target),
            "batch_id": args.batch_id,
            "matches_schema": read.valid,
            "problems": read.problems,
            "log": read.log.to_dict() if read.log else None,
        }
        print(json.dumps(body, ensure_ascii=True))
        return 0 if read.valid and read.log is not None and read.log.status else 1
    print(f"Saved the transaction log of batch {args.batch_id} to {target}")
    return batch_files.print_log(read, as_json=False, source=target.name)


def _print_reply(args: argparse.Namespace, reply: BatchReply, extra: dict[str, str]) -> None:
    if args.json:
        body = {
            "accepted": reply.accepted,
            "code": reply.code,
            "reason": reply.reason,
            "message": reply.message,
            "remedy": reply.remedy,
            "details": reply.details,
            "findings": reply.findings,
            **extra,
        }
        print(json.dumps(body, ensure_ascii=True))
        return
    if reply.accepted:
        print(f"Accepted: {reply.message}")
        print(f"  Batch ID: {extra.get('batch_id', '')}")
        return
    print(f"Refused ({reply.code} {reply.reason}): {reply.message}")
    for finding in reply.findings:
        print(f"  {finding.get('message', '')}")
    print(f"  What to do: {reply.remedy}")

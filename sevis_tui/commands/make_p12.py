"""`sevis-tui make-p12 --key KEY --cert CERT`: the batch client's PKCS#12, checked before and after.

The engine is imported inside `run`, so `sevis-tui --help` stays quick.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.commands import CommandError, add_secret_file_option, check_destination
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

    from sevis_tui.cert import Policy
    from sevis_tui.cert.bundle import Assembled, BundleError

Clock = Callable[[], dt.datetime]

EPILOG = """\
Checks that the key belongs to the certificate, completes the chain from the certificate file
or the accepted issuers (nothing is fetched), runs the checks of `sevis-tui inspect` (no error
may remain), writes the .p12 (mode 600) and inspects what it wrote.

Encryption: AES-256-CBC with PBKDF2-HMAC-SHA256 and an HMAC-SHA256 check. --legacy writes the
3DES / SHA-1 form that some older Java batch clients need instead: weaker (3DES and SHA-1 are
outdated), so use it only for such a client, with a long passphrase.

The key's passphrase is read from --key-passphrase-file or asked for (only if the key is
encrypted); the new .p12's passphrase from --passphrase-file or typed twice (at least 12
characters). Passphrase files must be mode 600. Nothing is stored.

Exit status: 0 written and inspected OK, 1 the files cannot make a PKCS#12 SEVIS would accept
(key and certificate do not match, wrong passphrase, chain not complete offline, an error
finding), 2 a usage problem (a missing file, a .p12 that exists without --force, a folder
that is not writable, a short passphrase). Nothing is written unless the status is 0.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--key", required=True, metavar="KEY", help="the private key (PEM/DER)")
    parser.add_argument(
        "--cert", required=True, metavar="CERT", help="the certificate (.cer/.pem/.p7b, chain ok)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="the .p12 to write (default: CERT's name with .p12)"
    )
    parser.add_argument(
        "--legacy", action="store_true", help="3DES/SHA-1 for old Java clients (weaker)"
    )
    add_secret_file_option(parser, "--key-passphrase-file", "the key's passphrase")
    add_secret_file_option(parser, "--passphrase-file", "the new .p12's passphrase")
    parser.add_argument("--force", action="store_true", help="replace the .p12 if it exists")


def run(args: argparse.Namespace, settings: Settings, *, clock: Clock | None = None) -> int:
    """clock: the time the checks are made at (tests move it); default the system's."""
    from sevis_tui.cert.bundle import BundleError, assemble, read_certificates
    from sevis_tui.commands.secrets import display, new_passphrase
    from sevis_tui.settings.policy import demo_issuers, load_policy
    from sevis_tui.storage.certificate_files import write_error, write_private

    key_path, cert_path = Path(args.key).expanduser(), Path(args.cert).expanduser()
    key_data, cert_data = _read_inputs(key_path, cert_path, settings.certificates.max_file_bytes)
    out = _out_file(args, cert_path)
    policy = load_policy(settings, extra_issuers=demo_issuers(settings), clock=clock)
    try:
        key = _private_key(args, key_data, key_path)
        certificates = read_certificates(cert_data, display(cert_path))
        passphrase = new_passphrase(args.passphrase_file, ".p12 file")
        made = assemble(
            key,
            certificates,
            policy,
            passphrase,
            legacy=args.legacy,
            cert_name=display(cert_path),
        )
    except BundleError as error:
        refused(error)
        return 1
    try:
        write_private(out, made.data, overwrite=args.force)
    except OSError as error:
        raise CommandError(write_error(error)) from None
    return _show_written(out, made, policy, passphrase)


def _read_inputs(key_path: Path, cert_path: Path, limit: int) -> tuple[bytes, bytes]:
    from sevis_tui.storage.certificate_files import UnreadableInput, read_input

    try:
        return read_input(key_path, "key", limit), read_input(cert_path, "certificate", limit)
    except UnreadableInput as error:
        raise CommandError(str(error)) from None


def _out_file(args: argparse.Namespace, cert_path: Path) -> Path:
    """Where the .p12 goes: --out, else beside the certificate; refused before any work."""
    from sevis_tui.storage.certificate_files import p12_file

    out = Path(args.out).expanduser() if args.out else p12_file(cert_path)
    if out.suffix.lower() not in {".p12", ".pfx"}:
        raise CommandError(f"--out {out} should end in .p12 (or .pfx), as batch clients expect")
    check_destination(
        (out,),
        out.parent,
        force=args.force,
        instead="Choose another --out, or give --force to replace it",
    )
    return out


def _private_key(args: argparse.Namespace, key_data: bytes, key_path: Path) -> PrivateKeyTypes:
    """The key; its passphrase is asked for (or read from its file) only when it has one."""
    from sevis_tui.cert.bundle import BundleError, read_private_key
    from sevis_tui.commands.secrets import display, existing_secret

    try:
        return read_private_key(key_data, None, display(key_path))
    except BundleError as error:
        if error.code != "key_encrypted":
            raise
    secret = existing_secret(
        args.key_passphrase_file,
        f"Passphrase of the key {display(key_path)}: ",
        "key passphrase",
        "--key-passphrase-file",
    )
    return read_private_key(key_data, secret, display(key_path))


def _show_written(out: Path, made: Assembled, policy: Policy, passphrase: bytes) -> int:
    """What the written .p12 holds, read back and checked as `inspect` would."""
    from sevis_tui.cert import inspect_path
    from sevis_tui.cert.bundle import LEGACY_WARNING
    from sevis_tui.cert.text_report import make_console, render_report
    from sevis_tui.commands.secrets import display

    report = inspect_path(out, policy, password=passphrase)
    console = make_console(sys.stdout)
    form = "legacy: 3DES and SHA-1" if made.legacy else "AES-256-CBC, PBKDF2-HMAC-SHA256"
    console.print(f"Wrote {display(out)} ({form}; mode 600). What it holds:")
    console.print()
    render_report(report, console)
    if made.legacy:
        print(f"sevis-tui: warning: {LEGACY_WARNING}", file=sys.stderr)
    if report.errors:
        print(
            f"sevis-tui: {display(out)} was written but does not pass the checks above.",
            file=sys.stderr,
        )
        return 1
    return 0


def refused(error: BundleError) -> None:
    from sevis_tui.cert.text_report import finding_lines, make_console

    console = make_console(sys.stderr)
    console.print(f"sevis-tui: {error.message} {error.remedy}")
    for found in error.findings:
        for line in finding_lines(found):
            console.print(line)

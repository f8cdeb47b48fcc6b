"""`sevis-tui extract-cert FILE.p12`: the certificate alone, as .pem and .cer, for upload.

The engine is imported inside `run`, so `sevis-tui --help` stays quick.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from sevis_tui.commands import CommandError, add_secret_file_option, check_destination
from sevis_tui.settings.config import Settings

Clock = Callable[[], dt.datetime]

EPILOG = """\
Writes STEM.pem (text) and STEM.cer (binary, DER) into --out-dir (default: the .p12's folder):
the certificate of the .p12's key, without the key or the chain: what SEVIS registers. Then
checks it as `sevis-tui inspect` does.

The .p12's passphrase is read from --passphrase-file (first line, mode 600) or asked for.
Files that exist are not replaced unless --force is given.

Exit status: 0 written and no error finding, 1 the .p12 cannot be opened (wrong passphrase)
or the certificate has an error finding (it is written all the same, for you to see), 2 a
usage problem (a missing file, files that exist, a folder that is not writable).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("p12", metavar="FILE.p12", help="the batch client's .p12 or .pfx")
    parser.add_argument("--out-dir", metavar="DIR", help="folder to write into")
    add_secret_file_option(parser, "--passphrase-file", "the .p12's passphrase")
    parser.add_argument("--force", action="store_true", help="replace files that exist")


def run(args: argparse.Namespace, settings: Settings, *, clock: Clock | None = None) -> int:
    """clock: the time the checks are made at (tests move it); default the system's."""
    from sevis_tui.cert import inspect_path
    from sevis_tui.cert.bundle import BundleError, certificate_files, extract_certificate
    from sevis_tui.cert.text_report import make_console, render_report
    from sevis_tui.commands.make_p12 import refused
    from sevis_tui.commands.secrets import display, existing_secret
    from sevis_tui.settings.policy import demo_issuers, load_policy
    from sevis_tui.storage.certificate_files import write_certificate_pair, write_error

    source = Path(args.p12).expanduser()
    data = _read_p12(source, settings.certificates.max_file_bytes)
    pem_path, cer_path = _out_files(args, source)
    secret = existing_secret(
        args.passphrase_file,
        f"Passphrase of {display(source)}: ",
        ".p12 passphrase",
        "--passphrase-file",
    )
    try:
        certificate = extract_certificate(data, secret, display(source))
    except BundleError as error:
        refused(error)
        return 1
    pem, der = certificate_files(certificate)
    try:
        write_certificate_pair(pem_path, cer_path, pem, der, overwrite=args.force)
    except OSError as error:
        raise CommandError(write_error(error)) from None
    report = inspect_path(
        pem_path, load_policy(settings, extra_issuers=demo_issuers(settings), clock=clock)
    )
    console = make_console(sys.stdout)
    console.print(
        f"Wrote {display(pem_path)} and {display(cer_path)}: the certificate alone, for upload."
    )
    console.print()
    render_report(report, console)
    return 1 if report.errors else 0


def _read_p12(source: Path, limit: int) -> bytes:
    from sevis_tui.storage.certificate_files import UnreadableInput, read_input

    try:
        return read_input(source, ".p12", limit)
    except UnreadableInput as error:
        raise CommandError(str(error)) from None


def _out_files(args: argparse.Namespace, source: Path) -> tuple[Path, Path]:
    """The .pem and .cer to write: in --out-dir, else beside the .p12; refused before any work."""
    from sevis_tui.storage.certificate_files import extracted_files

    folder = Path(args.out_dir).expanduser() if args.out_dir else source.parent
    pem_path, cer_path = extracted_files(folder, source)
    check_destination(
        (pem_path, cer_path),
        folder,
        force=args.force,
        instead="Choose another --out-dir, or give --force to replace",
    )
    return pem_path, cer_path

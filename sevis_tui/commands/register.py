"""`sevis-tui register`: one certificate for several programs, without the app.

    sevis-tui register --user-id jsmith6544 --program P-1-00001 --program P-1-00002 \\
        --accept-agreement 1 jsmith6544.pem
    sevis-tui register --user-id jsmith6544 --all --accept-agreement 1 --json jsmith6544.pem

The file is checked offline first, by the same engine as `sevis-tui inspect`; an error
finding stops before anything is sent. Then, for each program, the agreement version the
officer read is accepted and the certificate (only the certificate, re-encoded from what was
checked, never a key) is uploaded with its own Idempotency-Key
(sevis_tui/workflows/multi_register.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from sevis_tui.commands import CommandError, add_secret_file_option
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from sevis_tui.cert import FileReport

from sevis_tui.contract import PROGRAM_NUMBER

EPILOG = """\
Log-in: the password comes from --password-file FILE (its first line; the file must be
private, mode 0600; - for standard input) or a prompt, never from the command line. A session
that ends during the run is logged into again with it, and the run carries on.

The agreement: the command prints the current Batch Processing Agreement's title and version
(--show-agreement prints its text). --accept-agreement VERSION accepts that version for each
program; if the current version is another one, nothing is accepted or sent.

Safe to run again: programs whose current registration is already this certificate are
reported as "already registered" and not sent again; a program that failed is tried again.

Output: one line per program as it finishes, then a summary and the receipt's path (one
receipt file lists every program's outcome; --receipt FILE chooses it, else it goes to the
print folder). --json writes JSON Lines instead, one object per program (keys: program, name,
outcome, confirmation, replaced, already, code, message, remedy, findings, what_to_do); the
rest then goes to standard error. Ctrl+C stops before the next program.

Exit status: 0 when every program is registered (now or before), 1 when any is not (or the
file has an error finding), 2 on a usage or setup problem (bad option, unreadable file, log-in
refused, service unreachable, another agreement version).
"""

# The engine's remedies for a protected file name the app's dialog; here, the option to use.
FILE_PASSWORD_REMEDIES = {
    "needs_password": "Give the file's password with --file-password-file FILE (the password "
    "alone on its first line), or export the certificate alone (.cer or .pem).",
    "wrong_password": "Check the --file-password-file: its first line must be the file's "
    "password, nothing else (letter case counts).",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("file", metavar="FILE", help="the certificate file (.pem, .cer, .p12...)")
    parser.add_argument(
        "--program",
        action="append",
        default=[],
        metavar="NUMBER",
        help="a program to register for (repeat for each), e.g. P-1-00001",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every active program where you are the RO or an ARO",
    )
    parser.add_argument("--user-id", required=True, help="your SEVIS user ID")
    add_secret_file_option(parser, "--password-file", "your SEVIS password")
    parser.add_argument(
        "--accept-agreement",
        type=int,
        metavar="VERSION",
        help="accept this version of the Batch Processing Agreement for each program",
    )
    parser.add_argument(
        "--show-agreement", action="store_true", help="print the agreement's text and stop"
    )
    add_secret_file_option(
        parser, "--file-password-file", "the password of a protected .p12/.pfx (never sent)"
    )
    parser.add_argument("--receipt", metavar="FILE", help="write the receipt here")
    parser.add_argument("--json", action="store_true", help="JSON Lines: one object per program")


def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from sevis_tui.commands.register_run import register, show_agreement

    if args.show_agreement:
        return asyncio.run(show_agreement(args, settings))
    numbers = _program_numbers(args)
    report = _checked_offline(args, settings)
    if report is None:
        return 1
    return asyncio.run(register(args, settings, numbers, report))


def _program_numbers(args: argparse.Namespace) -> list[str]:
    if bool(args.program) == bool(args.all):
        raise CommandError("name the programs with --program NUMBER (repeat it), or give --all")
    numbers = list(dict.fromkeys(number.strip().upper() for number in args.program))
    wrong = [number for number in numbers if not PROGRAM_NUMBER.fullmatch(number)]
    if wrong:
        raise CommandError(f"{wrong[0]!r} is not a program number (they look like P-1-12345)")
    return numbers


def _checked_offline(args: argparse.Namespace, settings: Settings) -> FileReport | None:
    """The file's report, read once and checked by the engine of `inspect`; None (after
    printing why) when it has an error finding."""
    import os

    from sevis_tui.cert import inspect_path
    from sevis_tui.commands.secrets import read_secret_file
    from sevis_tui.settings.policy import demo_issuers, load_policy

    if not os.path.isfile(args.file):
        raise CommandError(f"{args.file}: no such file")
    password = None
    if args.file_password_file:
        password = read_secret_file(
            args.file_password_file, "PKCS#12 password", may_be_empty=True
        ).encode("utf-8")
    policy = load_policy(settings, extra_issuers=demo_issuers(settings))
    report = inspect_path(args.file, policy, password=password)
    if report.ok and report.subject is not None:
        return report
    _print_refused_file(_for_command_line(report), args.json)
    return None


def _for_command_line(report: FileReport) -> FileReport:
    import dataclasses

    import msgspec

    findings = tuple(
        msgspec.structs.replace(f, remedy=FILE_PASSWORD_REMEDIES.get(f.code, f.remedy))
        for f in report.findings
    )
    return dataclasses.replace(report, findings=findings)


def _print_refused_file(report: FileReport, as_json: bool) -> None:
    import json
    import sys

    from sevis_tui.cert.text_report import make_console, render_report

    if as_json:
        body = {"file": report.to_dict(), "outcome": "file_refused"}
        print(json.dumps(body, ensure_ascii=True))
    else:
        render_report(report, make_console(sys.stdout))
    print(
        f"sevis-tui: {report.name} has error findings: nothing was sent. Fix them "
        "(sevis-tui inspect explains each) and run the command again.",
        file=sys.stderr,
    )

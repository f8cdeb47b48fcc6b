"""`sevis-tui inspect PATH...`: check certificate files offline and explain what is wrong.

Imports of the engine happen inside `run`, so `sevis-tui --help` stays quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from sevis_tui.commands import CommandError
from sevis_tui.config import Settings

if TYPE_CHECKING:
    from sevis_tui.cert import FileReport, Policy

EPILOG = """\
Each PATH is a certificate file or a folder. Files are recognised by their content, not by
their name: PEM, DER, PKCS#7 (.p7b) and PKCS#12 (.p12/.pfx). In a folder, files that do not
look like certificate files are skipped (and counted); --recursive also walks subfolders.

Output: a report per file and a summary line. Colour only when the output is a terminal and
NO_COLOR is not set.

--json writes JSON Lines instead: one JSON object per file, one per line, written as each file
is checked (keys: name, format, ok, has_private_key, subject_index, subject, certificates,
findings); the summary line then goes to standard error. With --issuers, the list of
accepted issuers is one JSON object {"accepted_issuers": [...], "source": ...}.

Exit status: 0 when no file has an error finding, 1 when any file has one, 2 on a usage
error (bad option, unreadable --key or --password-file, bad configuration).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="*", metavar="PATH", help="certificate file or folder")
    parser.add_argument("--json", action="store_true", help="JSON Lines: one object per file")
    parser.add_argument(
        "-r", "--recursive", action="store_true", help="also check the subfolders of folders"
    )
    parser.add_argument(
        "--key",
        metavar="FILE",
        help="a private key (PEM, DER or .p12) to check against each certificate",
    )
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help="file whose first line is the password of a .p12/.pfx file (never on the "
        "command line, where other users could see it)",
    )
    parser.add_argument(
        "--issuers", action="store_true", help="list the accepted certificate issuers"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to use for many files (default: one per CPU; 1: no extra processes)",
    )


def _read_password(path: str) -> bytes | str:
    """The password (first line, without its line ending), or an error message."""
    try:
        with open(path, "rb") as handle:
            first = handle.read(4096).splitlines()
    except OSError as error:
        return f"cannot read the password file {path}: {error.strerror or error}"
    return first[0] if first else b""


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sevis_tui.policy import demo_issuers, load_policy

    if not args.paths and not args.issuers:
        raise CommandError(
            "inspect needs at least one PATH (or --issuers); see sevis-tui inspect -h"
        )
    password: bytes | None = None
    if args.password_file:
        read = _read_password(args.password_file)
        if isinstance(read, str):
            raise CommandError(read)
        password = read
    if args.jobs is not None and args.jobs < 1:
        raise CommandError("--jobs must be 1 or more")
    if args.key and not os.path.exists(args.key):
        raise CommandError(f"the key file {args.key} does not exist")
    policy = load_policy(settings, extra_issuers=demo_issuers(settings))
    if args.issuers:
        _list_issuers(policy, settings, args.json)
    if not args.paths:
        return 0
    return _inspect_all(args, policy, password)


def _inspect_all(args: argparse.Namespace, policy: Policy, password: bytes | None) -> int:
    from sevis_tui.cert import read_key_file, walk
    from sevis_tui.cert.batch import Item, inspect_many, map_reports
    from sevis_tui.cert.text_report import Tally, make_console, render_report

    out: IO[str] = sys.stdout
    console = make_console(out)
    tally = Tally()
    jobs = args.jobs or os.cpu_count() or 1
    # Read and parse the key once for the whole run (a .p12 costs tens of ms to open).
    key = read_key_file(args.key, policy, password) if args.key else None

    def items() -> Iterator[Item]:
        for path in args.paths:
            if os.path.isdir(path):
                for found in walk(path, args.recursive):
                    yield found, False
            else:
                yield path, True

    if args.json:
        # Workers turn each report into its JSON line and its verdict: only text comes back.
        for line in map_reports(
            items(), policy, _json_result, key=key, password=password, jobs=jobs
        ):
            if line is None:
                tally.skipped += 1
                continue
            text, errors, warnings = line
            tally.count(errors, warnings)
            out.write(text)
    else:
        reports = inspect_many(items(), policy, key=key, password=password, jobs=jobs)
        for report in reports:
            if report is None:
                tally.skipped += 1
                continue
            report = for_command_line(report)
            tally.add(report)
            render_report(report, console)
    if args.json:
        out.flush()
        make_console(sys.stderr).print(tally.line())
    else:
        console.print(tally.line())
    return 1 if tally.with_errors else 0


def _json_result(report: FileReport) -> tuple[str, bool, bool]:
    report = for_command_line(report)
    return _json_line(report), bool(report.errors), bool(report.warnings)


# The engine's remedies speak to whoever asks for a password (the app opens a dialog); here the
# password comes from a file named on the command line.
_COMMAND_LINE_REMEDIES = {
    "needs_password": "Give the password with --password-file FILE (the password alone on its "
    "first line), or export the certificate alone (.cer or .pem) from your browser or the "
    "batch client.",
    "wrong_password": "Check the --password-file: its first line must be the password, "
    "nothing else (letter case counts).",
}


def for_command_line(report: FileReport) -> FileReport:
    """The report with the remedies that, on the command line, name the option to use."""
    import dataclasses

    import msgspec

    if not any(found.code in _COMMAND_LINE_REMEDIES for found in report.findings):
        return report
    findings = tuple(
        msgspec.structs.replace(found, remedy=_COMMAND_LINE_REMEDIES.get(found.code, found.remedy))
        for found in report.findings
    )
    return dataclasses.replace(report, findings=findings)


def _json_line(report: FileReport) -> str:
    import json

    # ensure_ascii: exact values survive as \\u escapes, and no raw control byte reaches a tty.
    return json.dumps(report.to_dict(), ensure_ascii=True) + "\n"


def _list_issuers(policy: Policy, settings: Settings, as_json: bool) -> None:
    import json

    from cryptography.hazmat.primitives.serialization import Encoding

    from sevis_tui.cert.describe import describe
    from sevis_tui.cert.text_report import issuer_lines, make_console

    configured = settings.accepted_issuers_path
    source = str(configured) if configured else "the shipped list (certifi bundle, by vendor)"
    if settings.embedded:
        source += " plus the embedded demo issuer, if created"
    if as_json:
        now = policy.current_time()
        issuers = [
            describe(c, c.public_bytes(Encoding.DER), now, n).info.to_dict()
            for n, c in enumerate(policy.accepted_issuers, start=1)
        ]
        sys.stdout.write(
            json.dumps({"accepted_issuers": issuers, "source": source}, ensure_ascii=True) + "\n"
        )
        return
    console = make_console(sys.stdout)
    for line in issuer_lines(policy.accepted_issuers, source):
        console.print(line)
    console.print()

"""`sevis-tui inspect PATH...`: check certificate files offline and explain what is wrong.

Imports of the engine happen inside `run`, so `sevis-tui --help` stays quick.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from sevis_tui.commands import CommandError, add_secret_file_option
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from sevis_tui.cert import FileReport, Finding, Policy

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

--expiring-within DAYS turns "expires soon" into an error: a certificate with fewer than
DAYS days left makes the exit status 1 (finding expires_soon, severity error). For cron on
the batch server, without a login.

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
    add_secret_file_option(parser, "--password-file", "the password of a .p12/.pfx file")
    parser.add_argument(
        "--issuers", action="store_true", help="list the accepted certificate issuers"
    )
    parser.add_argument(
        "--expiring-within",
        type=int,
        metavar="DAYS",
        help='an error, not a warning, when fewer than DAYS days are left ("expires soon")',
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to use for many files (default: one per CPU; 1: no extra processes)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import dataclasses

    from sevis_tui.settings.policy import demo_issuers, load_policy

    if not args.paths and not args.issuers:
        raise CommandError(
            "inspect needs at least one PATH (or --issuers); see sevis-tui inspect -h"
        )
    password: bytes | None = None
    if args.password_file:
        from sevis_tui.commands.secrets import read_secret_file

        password_text = read_secret_file(args.password_file, "password", may_be_empty=True)
        password = password_text.encode("utf-8")
    if args.jobs is not None and args.jobs < 1:
        raise CommandError("--jobs must be 1 or more")
    if args.key and not os.path.exists(args.key):
        raise CommandError(f"the key file {args.key} does not exist")
    policy = load_policy(settings, extra_issuers=demo_issuers(settings))
    if args.expiring_within is not None:
        if args.expiring_within < 0:
            raise CommandError("--expiring-within must be 0 or more days")
        policy = dataclasses.replace(policy, expiry_warning_days=args.expiring_within)
    if args.issuers:
        _list_issuers(policy, settings, args.json)
    if not args.paths:
        return 0
    return _inspect_all(args, policy, password)


def _inspect_all(args: argparse.Namespace, policy: Policy, password: bytes | None) -> int:
    from sevis_tui.cert import read_key_file, walk
    from sevis_tui.cert.parallel_inspect import Item, inspect_many, map_reports
    from sevis_tui.cert.text_report import Tally, make_console, render_report

    out: IO[str] = sys.stdout
    console = make_console(out)
    tally = Tally()
    jobs = args.jobs or os.cpu_count() or 1
    strict = args.expiring_within is not None
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
        as_json = _json_result_strict if strict else _json_result
        for line in map_reports(items(), policy, as_json, key=key, password=password, jobs=jobs):
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
            report = for_command_line(report, expiry_is_error=strict)
            tally.add(report)
            render_report(report, console)
    if args.json:
        out.flush()
        make_console(sys.stderr).print(tally.line())
    else:
        console.print(tally.line())
    return 1 if tally.with_errors else 0


def _json_result(report: FileReport, expiry_is_error: bool = False) -> tuple[str, bool, bool]:
    report = for_command_line(report, expiry_is_error=expiry_is_error)
    return _json_line(report), bool(report.errors), bool(report.warnings)


def _json_result_strict(report: FileReport) -> tuple[str, bool, bool]:
    return _json_result(report, expiry_is_error=True)


# The engine's remedies speak to whoever asks for a password (the app opens a dialog); here the
# password comes from a file named on the command line.
_COMMAND_LINE_REMEDIES = {
    "needs_password": "Give the password with --password-file FILE (the password alone on its "
    "first line), or export the certificate alone (.cer or .pem) from your browser or the "
    "batch client.",
    "wrong_password": "Check the --password-file: its first line must be the password, "
    "nothing else (letter case counts).",
}


def for_command_line(report: FileReport, *, expiry_is_error: bool = False) -> FileReport:
    """The report with the remedies that, on the command line, name the option to use; with
    expiry_is_error (--expiring-within), "expires soon" is an error."""
    import dataclasses

    import msgspec

    def promoted(found: Finding) -> bool:
        return expiry_is_error and found.code == "expires_soon"

    if not any(f.code in _COMMAND_LINE_REMEDIES or promoted(f) for f in report.findings):
        return report
    findings = [
        msgspec.structs.replace(
            found,
            remedy=_COMMAND_LINE_REMEDIES.get(found.code, found.remedy),
            severity="error" if promoted(found) else found.severity,
        )
        for found in report.findings
    ]
    # Errors first, as the engine orders them.
    order = ("error", "warning", "info")
    findings.sort(key=lambda f: order.index(f.severity))
    return dataclasses.replace(report, findings=tuple(findings))


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

"""Batch files and transaction logs on the command line, offline (no login, nothing sent).

    sevis-tui batch validate FILE.xml [--program P-1-00001] [--user-id ID] [--json]
    sevis-tui batch results LOG.zip|LOG.xml [--json]

Also the check `batch upload` makes before it sends anything, and the printing of a log
that `batch download` fetched.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sevis_tui.commands import CommandError
from sevis_tui.sevis_batch.check import (
    BatchCheck,
    Expected,
    check_bytes,
    read_file,
    with_batch_id,
)
from sevis_tui.sevis_batch.translog import MAX_LOG_BYTES, ReadLog, TransactionLog, read_log

# Findings about the file itself, not its content: a usage problem (exit 2).
NOT_A_FILE = {"not_found", "not_a_file", "unreadable"}


def add_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.xml")
    parser.add_argument("--program", default="", help="the program the batch is for (OrgID)")
    parser.add_argument("--user-id", default="", help="the user ID sending it (root userID)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_results(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="LOG.zip|LOG.xml", help="a transaction log from SEVIS")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def read_and_check(
    path: Path, expected: Expected, *, rewrite: bool = False
) -> tuple[bytes, BatchCheck]:
    """The file's bytes and their check (with `rewrite`, of the bytes carrying the expected
    batch ID); CommandError when the file cannot be read at all."""
    data = read_file(path)
    if isinstance(data, BatchCheck):
        problem = data.findings[0]
        if problem.code in NOT_A_FILE:
            raise CommandError(f"{problem.message} {problem.remedy}")
        return b"", data
    return data, check_bytes(with_batch_id(data, expected.batch_id) if rewrite else data, expected)


def validate(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    _data, checked = read_and_check(path, Expected(program=args.program, user_id=args.user_id))
    print_check(path, checked, as_json=args.json)
    return 0 if checked.valid else 1


def print_check(path: Path, checked: BatchCheck, *, as_json: bool, upload: bool = False) -> None:
    if as_json:
        body = {
            "file": str(path),
            "valid": checked.valid,
            "summary": checked.summary(),
            "batch_id": checked.batch_id,
            "org_id": checked.org_id,
            "user_id": checked.user_id,
            "records": checked.counts(),
            "findings": [finding.to_dict() for finding in checked.findings],
            "more_findings": checked.more,
        }
        print(json.dumps(body, ensure_ascii=True))
        return
    print(f"{path.name}: {checked.summary()}")
    for finding in checked.findings:
        print(f"  {finding.message}")
        print(f"    What to do: {finding.remedy}")
    if checked.more:
        print(f"  ... and {checked.more} more problems of the same kinds.")
    count = len(checked.findings) + checked.more
    if checked.valid:
        print("Valid: it passes the SEVIS 6.27 upload schema and the batch interface's rules.")
    else:
        print(
            f"{count} problem{'s' if count != 1 else ''}"
            + (": nothing was sent." if upload else ".")
        )


def results(args: argparse.Namespace) -> int:
    from sevis_tui.cert.reading import read_path

    path = Path(args.file).expanduser()
    read = read_path(path, MAX_LOG_BYTES)
    if read.data is None:
        problem = read.findings[0]
        if problem.code == "too_large":
            raise CommandError(f"{path.name} is larger than 16 MiB: it is not a transaction log.")
        raise CommandError(f"{problem.message} Give the transaction log (.zip or .xml).")
    return print_log(read_log(read.data), as_json=args.json, source=path.name)


def print_log(read: ReadLog, *, as_json: bool, source: str) -> int:
    """Print a transaction log's results; 0 when it matches the schema and all succeeded."""
    log = read.log
    if as_json:
        body: dict[str, Any] = {
            "source": source,
            "matches_schema": read.valid,
            "problems": read.problems,
            "log": log.to_dict() if log else None,
        }
        print(json.dumps(body, ensure_ascii=True))
    else:
        _print_log_text(read, source)
    return 0 if read.valid and log is not None and log.status else 1


def _print_log_text(read: ReadLog, source: str) -> None:
    log = read.log
    if read.problems:
        heading = "is not a transaction log" if log is None else "does not match SevisTransLog.xsd"
        print(f"{source} {heading}:")
        for problem in read.problems:
            print(f"  {problem}")
        if log is None:
            return
        print("What could be read:")
    assert log is not None
    print(headline(log))
    for result in log.results:
        print("  " + "  ".join(result_row(result)))


def headline(log: TransactionLog) -> str:
    where = f" ({log.system})" if log.system else ""
    upload = f"upload {log.upload_code or 'not reported'}" + (
        " accepted" if log.upload_code == "S0000" else " refused" if log.upload_code else ""
    )
    if log.process_code:
        total = len(log.results)
        process = (
            f"processed ({log.process_code}): {total} records, {total - log.failures} "
            f"succeeded, {log.failures} failed"
        )
    else:
        process = "not processed"
    return f"Batch {log.batch_id} for {log.org_id}{where}: {upload}; {process}."


def result_row(result: Any) -> tuple[str, str, str]:
    """requestID, SEVIS ID, outcome: the columns shown for one record."""
    outcome = (
        "success"
        if result.success
        else f"{result.error_code or 'failed'} {result.error_message}".strip()
    )
    return (f"{result.request_id:<20}", f"{result.sevis_id or '-':<11}", outcome)

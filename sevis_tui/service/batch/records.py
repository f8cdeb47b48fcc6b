"""Record processing, simulated: a batch that passed the schema, taken record by record.

Each principal record gets a result, as SEVIS writes it in the transaction log. Simulated
(docs/domain.md, The batch interface), with the simulator's own error codes in SEVIS's form:

| code | rule |
|---|---|
| S1001 | the program end date is not after its start date (CreateEV; UpdateEV Program/Amend) |
| S1002 | an update names a SEVIS ID that this program does not hold (or none) |
| S1003 | a requestID is used twice in the batch (the second record fails) |
| S1004 | the birth date is after the day of processing (CreateEV) |
| S1005 | an extension's new end date is not after the current end date |

A create that passes gets a new SEVIS ID (N and 10 digits) held by the program; an update
that passes changes the stored program dates (Amend, Extension) or is recorded as done.
Everything else SEVIS checks (category and position rules, dependents, site of activity,
address checks, duplicate persons, ...) is not simulated: such records succeed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from lxml import etree

from sevis_tui.service.store import Tx, stamp
from sevis_tui.sevis_batch.check import Record
from sevis_tui.sevis_batch.translog import RecordResult
from sevis_tui.sevis_batch.translog import stamp as log_stamp


class Failed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def process(
    tx: Tx, program: str, batch_id: str, records: list[Record], now: dt.datetime
) -> list[RecordResult]:
    """Every record's result, stored in batch_records; creates and updates applied."""
    seen: set[str] = set()
    results = []
    for record in records:
        sevis_id = record.sevis_id
        try:
            if record.request_id in seen:
                raise Failed("S1003", f"requestID {record.request_id} is used twice in this batch.")
            seen.add(record.request_id)
            if record.kind == "CreateEV":
                sevis_id = _create(tx, program, batch_id, record, now)
            else:
                _update(tx, program, record, now)
            result = RecordResult(record.request_id, sevis_id, record.user_id, True)
        except Failed as failure:
            result = RecordResult(
                record.request_id,
                sevis_id if record.kind == "UpdateEV" else "",
                record.user_id,
                False,
                failure.code,
                failure.message,
            )
        results.append(_stored(tx, program, batch_id, record.number, result, now))
    return results


def _stored(
    tx: Tx,
    program: str,
    batch_id: str,
    position: int,
    result: RecordResult,
    now: dt.datetime,
) -> RecordResult:
    tx.execute(
        "INSERT INTO batch_records (program, batch_id, position, request_id, sevis_id, user_id,"
        " success, error_code, error_message, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            program,
            batch_id,
            position,
            result.request_id,
            result.sevis_id,
            result.user_id,
            1 if result.success else 0,
            result.error_code,
            result.error_message,
            stamp(now),
        ),
    )
    return RecordResult(
        result.request_id,
        result.sevis_id,
        result.user_id,
        result.success,
        result.error_code,
        result.error_message,
        log_stamp(now),
    )


def _dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end <= start:
        raise Failed(
            "S1001",
            f"The program end date {end} is not after its start date {start}.",
        )


def _create(tx: Tx, program: str, batch_id: str, record: Record, now: dt.datetime) -> str:
    visitor = record.element
    start, end = _date(visitor.findtext("PrgStartDate")), _date(visitor.findtext("PrgEndDate"))
    _dates(start, end)
    born = _date(visitor.findtext("Biographical/BirthDate"))
    if born is not None and born > now.date():
        raise Failed("S1004", f"The birth date {born} is after the day of processing.")
    sevis_id = _new_sevis_id(tx)
    tx.execute(
        "INSERT INTO exchange_visitors (sevis_id, program, request_id, batch_id, last_name,"
        " first_name, program_start, program_end, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            sevis_id,
            program,
            record.request_id,
            batch_id,
            (visitor.findtext("Biographical/FullName/LastName") or "")[:40],
            (visitor.findtext("Biographical/FullName/FirstName") or "")[:80],
            str(start or ""),
            str(end or ""),
            stamp(now),
            stamp(now),
        ),
    )
    return sevis_id


def _new_sevis_id(tx: Tx) -> str:
    while True:
        candidate = "N" + "".join(secrets.choice("0123456789") for _ in range(10))
        if not tx.execute(
            "SELECT 1 FROM exchange_visitors WHERE sevis_id = ?", (candidate,)
        ).fetchone():
            return candidate


def _update(tx: Tx, program: str, record: Record, now: dt.datetime) -> None:
    held = tx.execute(
        "SELECT program_end FROM exchange_visitors WHERE sevis_id = ? AND program = ?",
        (record.sevis_id, program),
    ).fetchone()
    if held is None:
        raise Failed(
            "S1002",
            f"SEVIS ID {record.sevis_id or '(none)'} is not an exchange visitor of {program}.",
        )
    visitor: etree._Element = record.element
    start, end = None, None
    amend = visitor.find("Program/Amend")
    extension = visitor.find("Program/Extension")
    if amend is not None:
        start, end = _date(amend.findtext("PrgStartDate")), _date(amend.findtext("PrgEndDate"))
        _dates(start, end)
    elif extension is not None:
        end = _date(extension.findtext("NewPrgEndDate"))
        current = _date(held["program_end"])
        if end is not None and current is not None and end <= current:
            raise Failed(
                "S1005",
                f"The new program end date {end} is not after the current end date {current}.",
            )
    tx.execute(
        "UPDATE exchange_visitors SET program_start = COALESCE(?, program_start),"
        " program_end = COALESCE(?, program_end), updated_at = ? WHERE sevis_id = ?",
        (
            str(start) if start else None,
            str(end) if end else None,
            stamp(now),
            record.sevis_id,
        ),
    )

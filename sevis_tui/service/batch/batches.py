"""Batch files at the door, as SEVIS takes them: checked, refused or stored, processed, logged.

1. The file must be a batch of the sender at all (sevis_batch.check): well-formed UTF-8 XML
   with no DOCTYPE, the root SEVISBatchCreateUpdateEV, at most 250 records, and a header
   (OrgID, BatchID) and root userID matching the form. Otherwise it is refused and nothing
   is stored.
2. It is validated against the 6.27 upload schema. A file that fails is refused with the
   findings, and stored with the upload result S0004: its transaction log says so (and
   its batch ID is used up, as in SEVIS).
3. A file that passes is processed record by record (records.py) and stored.

The transaction log (`transaction_log`) is the zip SEVIS answers a download with, valid
against SevisTransLog.xsd.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sevis_tui.service.batch import records as processing
from sevis_tui.service.batch.replies import BatchRefusal, xml_safe
from sevis_tui.service.store import Tx, parse_stamp, stamp
from sevis_tui.sevis_batch import translog
from sevis_tui.sevis_batch.check import MAX_RECORDS, ROOT, BatchCheck, Expected, check_bytes
from sevis_tui.sevis_batch.translog import SUCCESS, RecordResult, TransactionLog

SYSTEM = "sevis-tui"  # BatchDetail/@system: the simulator, never taken for a SEVIS system
SCHEMA_INVALID = "S0004"  # the upload failed the schema (the simulator's code)
RECORDS_FAILED = "S0005"  # processed, at least one record failed (the simulator's code)
BATCH_ID_LENGTH = 14


def check_batch_id(batch_id: str) -> str:
    """A batch ID as Common.xsd's BatchIDType: any 14 characters, whitespace collapsed."""
    collapsed = " ".join(batch_id.split())
    if len(collapsed) != BATCH_ID_LENGTH or xml_safe(collapsed) != collapsed:
        raise BatchRefusal(
            400,
            "S0001",
            "invalid_batch_id",
            f"batchid {xml_safe(batch_id, 40)!r} is not 14 characters "
            f"({len(collapsed)} characters).",
            "Send a batch ID of exactly 14 characters, new for each batch (sevis-tui batch "
            "upload takes the file's BatchHeader/BatchID).",
        )
    return collapsed


# Findings that make a file no batch of the sender's: (code, reason) of the refusal.
REFUSED = {
    "doctype_refused": ("S0001", "xml_forbidden"),
    "too_large": ("S0001", "too_large"),
    "wrong_root": ("S0001", "wrong_root"),
    "too_many_records": ("S0001", "too_many_records"),
    "no_records": ("S0001", "no_records"),
    "program_mismatch": ("S0002", "header_mismatch"),
    "batch_id_mismatch": ("S0001", "header_mismatch"),
    "user_id_mismatch": ("S0003", "user_id_mismatch"),
}


def read_batch(xml: bytes, orgid: str, batch_id: str, userid: str) -> BatchCheck:
    """The checked batch; BatchRefusal (nothing to store) when it is no batch of the sender."""
    checked = check_bytes(xml, Expected(program=orgid, user_id=userid, batch_id=batch_id))
    for finding in checked.findings:
        if not checked.is_batch or finding.code in REFUSED:
            code, reason = REFUSED.get(finding.code, ("S0001", "xml_malformed"))
            if reason == "too_many_records":
                remedy = f"Split the records into batches of at most {MAX_RECORDS}."
            else:
                remedy = finding.remedy
            raise BatchRefusal(400, code, reason, finding.message, remedy, findings=[finding])
    return checked


def schema_refusal(checked: BatchCheck) -> BatchRefusal:
    count = len(checked.findings) + checked.more
    first = checked.findings[0].message
    return BatchRefusal(
        400,
        SCHEMA_INVALID,
        "schema_invalid",
        f"The batch file does not pass the SEVIS 6.27 upload schema ({count} problem"
        f"{'s' if count != 1 else ''}; the first: {first}) No record was processed; the "
        "transaction log says so.",
        "Fix the file (`sevis-tui batch validate FILE` lists every problem), then upload it "
        "with a new batch ID.",
        findings=checked.findings,
    )


def receive(
    tx: Tx,
    *,
    orgid: str,
    batch_id: str,
    user_id: str,
    checked: BatchCheck,
    xml: bytes,
    filename: str,
    certificate: str,
    now: dt.datetime,
) -> list[RecordResult] | None:
    """Store the batch, then process it if it passed the schema (None when it did not)."""
    if tx.execute(
        "SELECT 1 FROM batches WHERE program = ? AND batch_id = ?", (orgid, batch_id)
    ).fetchone():
        raise BatchRefusal(
            409,
            "S0001",
            "batch_id_reused",
            f"Batch ID {batch_id} was already used for {orgid}.",
            "Send each batch with a new batch ID.",
        )
    tx.execute(
        "INSERT INTO batches (program, batch_id, user_id, root, records, filename, xml,"
        " xml_sha256, certificate, uploaded_at, upload_result, processed_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            orgid,
            batch_id,
            user_id,
            ROOT,
            len(checked.records),
            filename,
            xml,
            hashlib.sha256(xml).hexdigest(),
            certificate,
            stamp(now),
            SUCCESS if checked.valid else SCHEMA_INVALID,
            stamp(now) if checked.valid else None,
        ),
    )
    if not checked.valid:
        return None
    return processing.process(tx, orgid, batch_id, checked.records, now)


def transaction_log(tx: Tx, orgid: str, batch_id: str) -> bytes:
    """The zip that batchDownload answers: the batch's transaction log."""
    row = tx.execute(
        "SELECT filename, uploaded_at, upload_result, processed_at FROM batches"
        " WHERE program = ? AND batch_id = ?",
        (orgid, batch_id),
    ).fetchone()
    if row is None:
        raise BatchRefusal(
            404,
            "S0031",
            "never_submitted",
            f"No batch {batch_id} was submitted for {orgid}.",
            "Check the batch ID and the orgid it was uploaded for.",
        )
    results = [
        RecordResult(
            str(r["request_id"]),
            str(r["sevis_id"]),
            str(r["user_id"]),
            bool(r["success"]),
            str(r["error_code"]),
            str(r["error_message"]),
            _log_time(r["processed_at"]),
        )
        for r in tx.execute(
            "SELECT * FROM batch_records WHERE program = ? AND batch_id = ? ORDER BY position",
            (orgid, batch_id),
        )
    ]
    processed = row["upload_result"] == SUCCESS
    failures = sum(1 for result in results if not result.success)
    log = TransactionLog(
        batch_id=batch_id,
        org_id=orgid,
        status=processed and failures == 0,
        system=SYSTEM,
        upload_code=str(row["upload_result"]),
        upload_at=_log_time(row["uploaded_at"]),
        file_name=str(row["filename"]),
        process_code=(SUCCESS if failures == 0 else RECORDS_FAILED) if processed else "",
        process_at=_log_time(row["processed_at"] or row["uploaded_at"]) if processed else "",
        results=results,
        download_code=SUCCESS,
    )
    return translog.zipped(translog.write(log))


def _log_time(text: str | None) -> str:
    moment = parse_stamp(text)
    return translog.stamp(moment) if moment else translog.stamp(dt.datetime(1970, 1, 1))

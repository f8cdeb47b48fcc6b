"""Batch files: the checks an upload must pass, storing it, and its transaction log.

Record processing is NOT simulated: a batch is checked for shape (well-formed XML, a SEVIS
batch root with a userID attribute, a BatchHeader whose BatchID and OrgID match the form), its
records are counted, and it is stored. The transaction log reports the upload and that count;
no record is created, updated or judged (docs/api.md, Batch interface).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeET

from sevis_tui.service.batch.replies import BatchRefusal, xml_safe
from sevis_tui.service.store import Tx, stamp

ROOTS = ("SEVISBatchCreateUpdateEV", "SEVISBatchCreateUpdateStudent")
BATCH_ID = re.compile(r"[A-Za-z0-9]{14}")
TRANSACTION_LOG = "sevis_transaction_log.xml"
NOT_SIMULATED = (
    "Record processing is not simulated: the batch was checked for shape, its records "
    "counted and the file stored; no record was created or updated."
)


@dataclass(frozen=True)
class BatchFile:
    root: str
    user_id: str
    records: int


def check_batch_id(batch_id: str) -> str:
    if not BATCH_ID.fullmatch(batch_id):
        raise BatchRefusal(
            400,
            "S0001",
            "invalid_batch_id",
            f"batchid {xml_safe(batch_id, 40)!r} is not 14 letters and digits "
            f"({len(batch_id)} characters).",
            "Send a batch ID of exactly 14 letters and digits, new for each batch "
            "(sevis-tui batch upload makes one when none is given).",
        )
    return batch_id


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # without a namespace, if any


def read_batch(xml: bytes, orgid: str, batch_id: str, userid: str) -> BatchFile:
    """Check an uploaded batch file's shape against the form's fields."""
    try:
        # defusedxml: no DTD at all, so no entity expansion (XML bombs), no external entities.
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except defusedxml.DefusedXmlException as error:
        raise BatchRefusal(
            400,
            "S0001",
            "xml_forbidden",
            "The batch file declares a DTD or entities, which are refused "
            f"({type(error).__name__}).",
            "Send the batch XML without a DOCTYPE: SEVIS batch files need none.",
        ) from None
    except ET.ParseError as error:
        raise BatchRefusal(
            400,
            "S0001",
            "xml_malformed",
            f"The batch file is not well-formed XML ({error}).",
            "Fix the XML (it must be one well-formed document in UTF-8), then upload again.",
        ) from None
    name = _local(str(root.tag))
    if name not in ROOTS:
        raise BatchRefusal(
            400,
            "S0001",
            "wrong_root",
            f"The batch file's root element is {xml_safe(name, 60)}, not one of "
            f"{', '.join(ROOTS)}.",
            "Upload a SEVIS batch file (exchange visitors: SEVISBatchCreateUpdateEV).",
        )
    owner = root.get("userID", "")
    if not owner:
        raise BatchRefusal(
            400,
            "S0001",
            "missing_user_id_attribute",
            f"The root element {name} has no userID attribute.",
            "Put the sending official's SEVIS user ID in the root's userID attribute.",
        )
    if owner != userid:
        raise BatchRefusal(
            400,
            "S0003",
            "user_id_mismatch",
            f"The batch file's userID ({xml_safe(owner, 20)}) is not the userid sent "
            f"({xml_safe(userid, 20)}).",
            "Send the batch under the user ID written in its root element.",
        )
    _check_header(root, orgid, batch_id)
    return BatchFile(root=name, user_id=owner, records=_records(root))


def _check_header(root: Element, orgid: str, batch_id: str) -> None:
    header = next((child for child in root if _local(str(child.tag)) == "BatchHeader"), None)
    values = {}
    if header is not None:
        values = {_local(str(child.tag)): (child.text or "").strip() for child in header}
    for field, expected, code in (("BatchID", batch_id, "S0001"), ("OrgID", orgid, "S0002")):
        found = values.get(field)
        if found != expected:
            shown = "missing" if found is None else repr(xml_safe(found, 40))
            raise BatchRefusal(
                400,
                code,
                "header_mismatch",
                f"The batch file's BatchHeader {field} is {shown}, but the form sent "
                f"{xml_safe(expected, 40)!r}.",
                f"Make BatchHeader/{field} and the form's {field.lower()} the same.",
            )


def _records(root: Element) -> int:
    """Records are the children of the Create*/Update* groups (e.g. CreateEV/ExchangeVisitor)."""
    return sum(
        len(list(group))
        for group in root
        if _local(str(group.tag)).startswith(("Create", "Update"))
    )


def store_batch(
    tx: Tx,
    *,
    orgid: str,
    batch_id: str,
    user_id: str,
    batch: BatchFile,
    xml: bytes,
    filename: str,
    certificate: str,
    now: dt.datetime,
) -> None:
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
        " xml_sha256, certificate, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            orgid,
            batch_id,
            user_id,
            batch.root,
            batch.records,
            filename,
            xml,
            hashlib.sha256(xml).hexdigest(),
            certificate,
            stamp(now),
        ),
    )


def transaction_log(tx: Tx, orgid: str, batch_id: str) -> bytes:
    """The ZIP that batchDownload answers: sevis_transaction_log.xml for the batch."""
    row = tx.execute(
        "SELECT records, filename, uploaded_at FROM batches WHERE program = ? AND batch_id = ?",
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
    log = ET.Element("TransactionLog")
    header = ET.SubElement(log, "BatchHeader")
    ET.SubElement(header, "BatchID").text = batch_id
    ET.SubElement(header, "OrgID").text = orgid
    detail = ET.SubElement(log, "BatchDetail", status="uploaded", system="sevis-tui")
    ET.SubElement(
        detail,
        "Upload",
        resultCode="S0000",
        dateTimeStamp=str(row["uploaded_at"]),
        FileName=xml_safe(str(row["filename"]), 255),
    )
    process = ET.SubElement(detail, "Process", resultCode="S0000")
    count = ET.SubElement(process, "RecordCount")
    ET.SubElement(count, "Success").text = "0"
    ET.SubElement(count, "Failure").text = "0"
    ET.SubElement(count, "Total").text = str(row["records"])
    ET.SubElement(log, "Note").text = NOT_SIMULATED
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(TRANSACTION_LOG, ET.tostring(log, encoding="utf-8", xml_declaration=True))
    return archive.getvalue()

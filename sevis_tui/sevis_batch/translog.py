"""Transaction logs (SevisTransLog.xsd): written by our door, read from any SEVIS system.

    data = write(log)                 # the XML, valid against SevisTransLog.xsd
    read = read_log(zip_or_xml)       # what could be read, and how it fails the schema

A log reports the upload (`Upload resultCode`, S0000 when the file passed the schema), the
processing (one `Record` per principal record: `requestID`, `sevisID`, `Result status` and,
on failure, `ErrorCode`/`ErrorMessage`), and the download. A SEVIS download is a zip whose
entry is the log.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from sevis_tui.sevis_batch import plain, safe_xml, schemas

SUCCESS = "S0000"
ENTRY = "sevis_transaction_log.xml"
MAX_LOG_BYTES = 16 * 1024 * 1024  # a log of 250 records is well under 1 MB
FILE_NAME_LIMIT = 30  # Upload/FileName's maxLength
MESSAGE_LIMIT = 500  # RemarksType


@dataclass(frozen=True)
class RecordResult:
    request_id: str
    sevis_id: str = ""
    user_id: str = ""
    success: bool = True
    error_code: str = ""
    error_message: str = ""
    processed_at: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "requestID": self.request_id,
            "sevisID": self.sevis_id,
            "userID": self.user_id,
            "success": self.success,
            "errorCode": self.error_code,
            "errorMessage": self.error_message,
            "processDate": self.processed_at,
        }


@dataclass
class TransactionLog:
    batch_id: str
    org_id: str
    status: bool = False
    system: str = ""
    upload_code: str = ""  # "" when the log has no Upload
    upload_at: str = ""
    file_name: str = ""
    process_code: str = ""  # "" when not processed
    process_at: str = ""
    results: list[RecordResult] = field(default_factory=list)
    download_code: str = ""

    @property
    def failures(self) -> int:
        return sum(1 for result in self.results if not result.success)

    def to_dict(self) -> dict[str, object]:
        return {
            "batchID": self.batch_id,
            "orgID": self.org_id,
            "status": self.status,
            "system": self.system,
            "upload": {
                "resultCode": self.upload_code,
                "dateTimeStamp": self.upload_at,
                "fileName": self.file_name,
            },
            "process": {
                "resultCode": self.process_code,
                "dateTimeStamp": self.process_at,
                "success": len(self.results) - self.failures,
                "failure": self.failures,
                "total": len(self.results),
            },
            "records": [result.to_dict() for result in self.results],
            "download": {"resultCode": self.download_code},
        }


def stamp(moment: object) -> str:
    """An xs:dateTime to the second, without an offset (our door writes UTC)."""
    import datetime as dt

    assert isinstance(moment, dt.datetime)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def write(log: TransactionLog) -> bytes:
    """The log as XML (UTF-8, with a declaration), in the order SevisTransLog.xsd requires."""
    root = etree.Element("TransactionLog")
    header = etree.SubElement(root, "BatchHeader")
    etree.SubElement(header, "BatchID").text = log.batch_id
    etree.SubElement(header, "OrgID").text = log.org_id
    detail = etree.SubElement(root, "BatchDetail", status=_boolean(log.status))
    if log.system:
        detail.set("system", log.system[:30])
    if log.upload_code:
        upload = etree.SubElement(
            detail, "Upload", resultCode=log.upload_code, dateTimeStamp=log.upload_at
        )
        if log.file_name:
            etree.SubElement(upload, "FileName").text = log.file_name[:FILE_NAME_LIMIT]
    if log.process_code:
        _process(detail, log)
    if log.download_code:
        etree.SubElement(detail, "Download", resultCode=log.download_code)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True))


def _process(detail: etree._Element, log: TransactionLog) -> None:
    process = etree.SubElement(
        detail, "Process", resultCode=log.process_code, dateTimeStamp=log.process_at
    )
    if not log.results:
        return  # the schema's sequence is all or nothing: no records, no RecordCount
    count = etree.SubElement(process, "RecordCount")
    etree.SubElement(count, "Success").text = str(len(log.results) - log.failures)
    etree.SubElement(count, "Failure").text = str(log.failures)
    etree.SubElement(count, "Total").text = str(len(log.results))
    for result in log.results:
        record = etree.SubElement(process, "Record")
        if result.sevis_id:
            record.set("sevisID", result.sevis_id)
        if result.user_id:
            record.set("userID", result.user_id)
        record.set("requestID", result.request_id)
        etree.SubElement(record, "ProcessDate").text = result.processed_at
        outcome = etree.SubElement(record, "Result", status=_boolean(result.success))
        if not result.success:
            etree.SubElement(outcome, "ErrorCode").text = result.error_code
            etree.SubElement(outcome, "ErrorMessage").text = (
                result.error_message[:MESSAGE_LIMIT] or "failed"
            )


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def zipped(log_xml: bytes) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(ENTRY, log_xml)
    return archive.getvalue()


# --------------------------------------------------------------------------- reading


@dataclass
class ReadLog:
    log: TransactionLog | None  # None: nothing could be read
    problems: list[str] = field(default_factory=list)  # plain words; [] when schema-valid

    @property
    def valid(self) -> bool:
        return self.log is not None and not self.problems


def unzip(data: bytes) -> bytes | str:
    """The log inside a SEVIS download zip (its first .xml entry), or why not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            entries = [i for i in bundle.infolist() if i.filename.lower().endswith(".xml")]
            if not entries:
                return "the zip holds no .xml file (a transaction log is one)"
            entry = entries[0]
            if entry.file_size > MAX_LOG_BYTES:
                return f"the zip's {entry.filename} is larger than 16 MiB"
            with bundle.open(entry) as handle:
                xml = handle.read(MAX_LOG_BYTES + 1)
            if len(xml) > MAX_LOG_BYTES:
                return f"the zip's {entry.filename} is larger than 16 MiB"
            return xml
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return "the zip cannot be opened (damaged, or encrypted)"


def read_log(data: bytes) -> ReadLog:
    """A transaction log (the XML, or a download zip holding it), checked against the schema."""
    if data[:4] == b"PK\x03\x04":
        inner = unzip(data)
        if isinstance(inner, str):
            return ReadLog(None, [inner])
        data = inner
    try:
        root = safe_xml.parse(data)
    except safe_xml.UnsafeXml:
        return ReadLog(None, ["the log declares a DOCTYPE (a DTD or entities): refused unread"])
    except safe_xml.NotUtf8:
        return ReadLog(None, ["the log is in UTF-16 or UTF-32, not UTF-8"])
    except etree.XMLSyntaxError as error:
        return ReadLog(None, [f"line {error.lineno}: {plain.syntax_error(error, data).message}"])
    if safe_xml.local_name(root) != "TransactionLog":
        return ReadLog(
            None, [f"the root element is {safe_xml.local_name(root)[:60]}, not TransactionLog"]
        )
    problems = []
    for entry in schemas.validate(schemas.TRANSACTION_LOG_XSD, root)[:20]:
        words = plain.schema_error(entry)
        where = "/".join(p for p in entry.path.split("/") if p)
        if words.attribute:
            where += f"/@{words.attribute}"
        problems.append(f"line {entry.line}, {where}: {words.message}")
    return ReadLog(_read(root), problems)


def _read(root: etree._Element) -> TransactionLog:
    """What can be read, tolerantly (a log that fails the schema is read as far as it goes)."""
    detail = root.find("BatchDetail")
    log = TransactionLog(
        batch_id=(root.findtext("BatchHeader/BatchID") or "").strip(),
        org_id=(root.findtext("BatchHeader/OrgID") or "").strip(),
    )
    if detail is None:
        return log
    log.status = detail.get("status", "").strip() in ("true", "1")
    log.system = detail.get("system", "")
    upload = detail.find("Upload")
    if upload is not None:
        log.upload_code = upload.get("resultCode", "")
        log.upload_at = upload.get("dateTimeStamp", "")
        log.file_name = upload.findtext("FileName") or ""
    process = detail.find("Process")
    if process is not None:
        log.process_code = process.get("resultCode", "")
        log.process_at = process.get("dateTimeStamp", "")
        log.results = [_result(record) for record in process.findall("Record")]
    download = detail.find("Download")
    if download is not None:
        log.download_code = download.get("resultCode", "")
    return log


def _result(record: etree._Element) -> RecordResult:
    result = record.find("Result")
    status = result.get("status", "").strip() if result is not None else ""
    return RecordResult(
        request_id=record.get("requestID", ""),
        sevis_id=record.get("sevisID", ""),
        user_id=record.get("userID", ""),
        success=status in ("true", "1"),
        error_code=(record.findtext("Result/ErrorCode") or "").strip(),
        error_message=(record.findtext("Result/ErrorMessage") or "").strip(),
        processed_at=(record.findtext("ProcessDate") or "").strip(),
    )

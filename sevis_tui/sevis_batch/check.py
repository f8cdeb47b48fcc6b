"""A batch upload checked offline: well-formed and safe, the 6.27 upload schema, the door's rules.

    checked = check_bytes(data, Expected(program="P-1-00001"))
    checked.valid, checked.findings, checked.summary()

Each problem is one finding (the project's shape, plus the line and the element path) whose
message says where and what in plain words: "line 31, ExchangeVisitor 3 (requestID
1-1-59081), Biographical/BirthDate: `1962-13-01` is not a date (YYYY-MM-DD)". A file that
cannot be a batch at all (not XML, a DOCTYPE, the wrong root, too many records) gets one
finding and no schema check. The same check runs in `batch validate`, before `batch upload`
sends anything, in the app, and at the door.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from sevis_tui.contract.findings import Finding
from sevis_tui.sevis_batch import plain, safe_xml, schemas

MAX_BATCH_BYTES = 8 * 1024 * 1024  # the door's upload limit
MAX_RECORDS = 250  # principal records per batch file (the schema's maxOccurs per group)
MAX_FINDINGS = 100  # a broken generator repeats one mistake: the first 100 tell it
ROOT = "SEVISBatchCreateUpdateEV"
GROUPS = ("CreateEV", "UpdateEV")


class BatchFinding(Finding, frozen=True):
    """A finding about a batch file: `line` (0: the whole file) and the element `path`."""

    line: int = 0
    path: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "remedy": self.remedy,
            "line": self.line,
            "path": self.path,
        }


@dataclass(frozen=True)
class Record:
    """One principal record (an ExchangeVisitor of CreateEV or UpdateEV)."""

    kind: str  # CreateEV, UpdateEV
    number: int  # 1-based, in file order
    index: int  # 1-based, within its group
    request_id: str
    sevis_id: str
    user_id: str
    line: int
    element: etree._Element = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"ExchangeVisitor {self.number} (requestID {self.request_id or 'missing'})"


@dataclass(frozen=True)
class Expected:
    """What the sender says the batch is (from the command line or the upload form)."""

    program: str = ""
    user_id: str = ""
    batch_id: str = ""


@dataclass
class BatchCheck:
    findings: list[BatchFinding] = field(default_factory=list)
    root: etree._Element | None = None
    records: list[Record] = field(default_factory=list)
    batch_id: str = ""
    org_id: str = ""
    user_id: str = ""
    more: int = 0  # findings left out beyond MAX_FINDINGS

    @property
    def valid(self) -> bool:
        return self.root is not None and not any(f.severity == "error" for f in self.findings)

    @property
    def is_batch(self) -> bool:
        """Is it a batch file at all (a schema check was made)? False for not XML etc."""
        return self.root is not None

    def counts(self) -> dict[str, int]:
        return dict(Counter(record.kind for record in self.records))

    def summary(self) -> str:
        if self.root is None:
            return "Not a SEVIS batch file."
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.counts().items()) or "none"
        total = len(self.records)
        return (
            f"Batch {self.batch_id or '(no BatchID)'} for {self.org_id or '(no OrgID)'} from "
            f"{self.user_id or '(no userID)'}: {total} record{'s' if total != 1 else ''} "
            f"({kinds})."
        )


def whole_file(code: str, message: str, remedy: str) -> BatchCheck:
    return BatchCheck([BatchFinding(code, "error", message, remedy)])


def read_file(path: Path) -> bytes | BatchCheck:
    """The file's bytes (a regular file, within MAX_BATCH_BYTES), or the check that says why not."""
    from sevis_tui.cert.reading import read_path

    read = read_path(path, MAX_BATCH_BYTES)
    if read.data is not None:
        return read.data
    problem = read.findings[0]
    if problem.code == "too_large":
        return whole_file(
            "too_large",
            f"{path.name} is larger than {MAX_BATCH_BYTES // (1024 * 1024)} MiB, the batch "
            "upload limit.",
            f"Split the records into several batch files (at most {MAX_RECORDS} records each).",
        )
    return whole_file(problem.code, problem.message, "Give the batch XML file itself.")


def check_file(path: Path, expected: Expected | None = None) -> BatchCheck:
    data = read_file(path)
    return data if isinstance(data, BatchCheck) else check_bytes(data, expected)


def check_bytes(data: bytes, expected: Expected | None = None) -> BatchCheck:
    """Check an upload: one finding per problem (see the module's docstring)."""
    if len(data) > MAX_BATCH_BYTES:
        return whole_file(
            "too_large",
            f"The batch file is larger than {MAX_BATCH_BYTES // (1024 * 1024)} MiB, the limit.",
            f"Split the records into several batch files (at most {MAX_RECORDS} records each).",
        )
    try:
        root = safe_xml.parse(data)
    except safe_xml.UnsafeXml:
        return whole_file(
            "doctype_refused",
            "The file declares a DOCTYPE (a DTD or entities), which is refused: nothing in it "
            "was read.",
            "Remove the <!DOCTYPE ...> declaration: SEVIS batch files need none.",
        )
    except safe_xml.NotUtf8:
        return whole_file(
            "not_utf8",
            "The file is in UTF-16 or UTF-32, not UTF-8.",
            "Save the file as UTF-8 (SEVIS batch files are UTF-8 XML).",
        )
    except etree.XMLSyntaxError as error:
        words = plain.syntax_error(error, data)
        line = error.lineno or 0
        return BatchCheck(
            [
                BatchFinding(
                    words.code, "error", f"line {line}: {words.message}.", words.remedy, line
                )
            ]
        )
    return _check_batch(root, expected or Expected())


def _check_batch(root: etree._Element, expected: Expected) -> BatchCheck:
    name = safe_xml.local_name(root)
    if name != ROOT or root.nsmap.get(root.prefix) is not None:
        student = name == "SEVISBatchCreateUpdateStudent"
        return whole_file(
            "wrong_root",
            f"The root element is {name[:60] or 'not an element'}"
            + (" (a student batch)" if student else "")
            + f", not {ROOT} (without a namespace).",
            "Send an Exchange Visitor batch file: its root is SEVISBatchCreateUpdateEV."
            + (" Student (F/M) batches are not simulated here." if student else ""),
        )
    records = _records(root)
    if len(records) > MAX_RECORDS:
        return whole_file(
            "too_many_records",
            f"The file holds {len(records)} records; a batch holds at most {MAX_RECORDS}.",
            f"Split the records into batch files of at most {MAX_RECORDS} records each.",
        )
    header = {
        safe_xml.local_name(child): (child.text or "") for child in root.findall("BatchHeader/*")
    }
    checked = BatchCheck(
        root=root,
        records=records,
        batch_id=" ".join(header.get("BatchID", "").split()),  # xs:whiteSpace collapse
        org_id=header.get("OrgID", "").strip(),
        user_id=root.get("userID", ""),
    )
    # The door's rules first: they decide whether the file is the sender's at all, and must
    # not be crowded out by MAX_FINDINGS schema errors.
    for problem in _door_rules(checked, expected):
        _add(checked, problem)
    for entry in schemas.validate(schemas.UPLOAD_XSD, root):
        _add(checked, _schema_finding(entry, records))
    return checked


def _add(checked: BatchCheck, finding: BatchFinding) -> None:
    if len(checked.findings) < MAX_FINDINGS:
        checked.findings.append(finding)
    else:
        checked.more += 1


def _records(root: etree._Element) -> list[Record]:
    found: list[Record] = []
    for group in root:
        kind = safe_xml.local_name(group)
        if kind not in GROUPS:
            continue
        index = 0
        for element in group:
            if safe_xml.local_name(element) != "ExchangeVisitor":
                continue
            index += 1
            found.append(
                Record(
                    kind=kind,
                    number=len(found) + 1,
                    index=index,
                    request_id=element.get("requestID", ""),
                    sevis_id=element.get("sevisID", ""),
                    user_id=element.get("userID", ""),
                    line=_line(element),
                    element=element,
                )
            )
    return found


def _schema_finding(entry: etree._LogEntry, records: list[Record]) -> BatchFinding:
    words = plain.schema_error(entry)
    parts = [part for part in entry.path.split("/") if part][1:]  # below the root
    if words.attribute:
        parts.append(f"@{words.attribute}")
    record = _record_at(parts, entry.line, records)
    if record is not None:
        below = "/".join(parts[2:])
        where = record.label + (f", {below}" if below else "")
        path = f"/{ROOT}/{record.kind}/ExchangeVisitor[{record.index}]" + (
            f"/{below}" if below else ""
        )
    else:
        where = "/".join(parts if parts and not parts[0].startswith("@") else [ROOT, *parts])
        path = "/".join([f"/{ROOT}", *parts])
    return BatchFinding(
        words.code,
        "error",
        f"line {entry.line}, {where}: {words.message}.",
        words.remedy,
        entry.line,
        path,
    )


_VISITOR = re.compile(r"ExchangeVisitor(?:\[(\d+)\])?")


def _record_at(parts: list[str], line: int, records: list[Record]) -> Record | None:
    """The record an error is in: its group and position from the path (libxml2 writes the
    position when an element has siblings of its name), else the last record of the group
    starting at or before the error's line."""
    visitor = _VISITOR.fullmatch(parts[1]) if len(parts) >= 2 else None
    if visitor is None or parts[0] not in GROUPS:
        return None
    group = [r for r in records if r.kind == parts[0]]
    if visitor[1]:
        return next((r for r in group if r.index == int(visitor[1])), None)
    candidates = [r for r in group if r.line <= line]
    return candidates[-1] if candidates else None


def _door_rules(checked: BatchCheck, expected: Expected) -> list[BatchFinding]:
    """What the door checks beyond the schema: the batch is the sender's, as announced."""
    problems: list[BatchFinding] = []
    rules = (
        ("program_mismatch", "BatchHeader/OrgID", checked.org_id, expected.program, "program"),
        ("batch_id_mismatch", "BatchHeader/BatchID", checked.batch_id, expected.batch_id, "batch"),
        ("user_id_mismatch", f"{ROOT}/@userID", checked.user_id, expected.user_id, "user"),
    )
    for code, where, found, wanted, what in rules:
        if not wanted or found == wanted:
            continue
        element = checked.root.find("BatchHeader") if checked.root is not None else None
        line = _line(element) if element is not None and what != "user" else 1
        problems.append(
            BatchFinding(
                code,
                "error",
                f"line {line or 1}, {where}: the file says `{found[:40]}`, but the {what} "
                f"sent is `{wanted[:40]}`.",
                {
                    "program": "Send the batch for the program named in its header (OrgID), "
                    "or fix the header.",
                    "batch": "Give the batch ID written in BatchHeader/BatchID.",
                    "user": "Send the batch under the user ID written in its root's userID.",
                }[what],
                line or 1,
                f"/{where}" if what == "user" else f"/{ROOT}/{where}",
            )
        )
    if not checked.records and checked.root is not None:
        problems.append(
            BatchFinding(
                "no_records",
                "error",
                "The file holds no records (no CreateEV or UpdateEV ExchangeVisitor).",
                "Add the records to create or update, at most 250.",
            )
        )
    return problems


def _line(element: etree._Element) -> int:
    line: Any = element.sourceline  # lxml-stubs type it loosely
    return int(line or 0)


_HEADER_BATCH_ID = re.compile(rb"(<BatchHeader>\s*<BatchID>)[^<]*(</BatchID>)")


def with_batch_id(data: bytes, batch_id: str) -> bytes:
    """The batch file with `batch_id` as its BatchHeader/BatchID (the first, as written by
    batch clients: no prefix, no attributes); unchanged when there is none to replace."""
    from xml.sax.saxutils import escape

    value = escape(batch_id).encode("utf-8")
    return _HEADER_BATCH_ID.sub(lambda m: m[1] + value + m[2], data, count=1)

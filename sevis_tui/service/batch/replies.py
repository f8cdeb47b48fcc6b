"""The batch listener's answers: one XML document per reply, success or refusal.

    <SEVISBatchReply status="refused" code="S0003" reason="user_inactive" http="403">
      <Message>...</Message><Remedy>...</Remedy>
      <Presented sha256="..."/> <Registered sha256="..." registeredAt="..." confirmation="..."/>
      <Finding code="invalid_value" line="31" path="...">message<Remedy>...</Remedy></Finding>
    </SEVISBatchReply>

`code` is SEVIS-like (S0001 general, S0002 organization, S0003 user ID, S0031 never
submitted) or one of ours for the certificate (C0001-C0003); `reason` is a stable name for
programs to match on. Every code and reason is listed in docs/api.md (Batch interface).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from starlette.responses import Response

if TYPE_CHECKING:
    from sevis_tui.sevis_batch.check import BatchFinding

BATCH_DOCS = "docs/api.md#batch-interface"
XML_TYPE = "application/xml; charset=utf-8"
# Characters XML 1.0 cannot carry at all (they would make the reply unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str, limit: int = 500) -> str:
    """`text` as XML can hold it: characters XML cannot carry become '?', cut at `limit`."""
    return _NOT_XML.sub("?", text[:limit])


class BatchRefusal(Exception):
    """A refusal, raised anywhere in a batch request; answered as XML and audited."""

    def __init__(
        self,
        status: int,
        code: str,
        reason: str,
        message: str,
        remedy: str,
        *,
        presented: str = "",
        registered: Mapping[str, str] | None = None,
        findings: Sequence[BatchFinding] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.reason = reason
        self.message = message
        self.remedy = remedy
        self.presented = presented
        self.registered = dict(registered or {})
        self.findings = list(findings)

    def answer(self) -> Answer:
        root = ET.Element(
            "SEVISBatchReply",
            status="refused",
            code=self.code,
            reason=self.reason,
            http=str(self.status),
        )
        ET.SubElement(root, "Message").text = xml_safe(self.message)
        ET.SubElement(root, "Remedy").text = xml_safe(self.remedy)
        if self.presented:
            ET.SubElement(root, "Presented", sha256=self.presented)
        if self.registered:
            ET.SubElement(root, "Registered", {k: xml_safe(v) for k, v in self.registered.items()})
        for finding in self.findings:
            found = ET.SubElement(
                root,
                "Finding",
                code=finding.code,
                line=str(finding.line),
                path=xml_safe(finding.path, 300),
            )
            found.text = xml_safe(finding.message)
            ET.SubElement(found, "Remedy").text = xml_safe(finding.remedy)
        ET.SubElement(root, "Docs").text = BATCH_DOCS
        answer = xml_answer(root, self.status)
        answer.audit_result = self.reason
        return answer


class Answer(Response):
    """A reply, with what the audit log records for it ("ok", or a refusal's reason)."""

    audit_result = "ok"


def accepted(kind: str, attributes: Mapping[str, str], message: str) -> Answer:
    """A success: `<SEVISBatchReply status="accepted"><KIND .../><Message/></...>`."""
    root = ET.Element("SEVISBatchReply", status="accepted")
    ET.SubElement(root, kind, {k: xml_safe(v) for k, v in attributes.items()})
    ET.SubElement(root, "Message").text = xml_safe(message)
    return xml_answer(root, 200)


def xml_answer(root: ET.Element, status: int) -> Answer:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Answer(body, status_code=status, media_type=XML_TYPE)

"""Every blocking or warning finding explains why it matters."""

from __future__ import annotations

from sevis_tui.cert.findings import CODES
from sevis_tui.cert.why import WHY, why


def test_every_error_and_warning_code_has_a_reason() -> None:
    missing = [code for code, severity in CODES.items() if severity != "info" and not why(code)]
    assert missing == []


def test_no_reason_for_an_unknown_code() -> None:
    assert set(WHY) <= set(CODES)
    assert why("no_such_code") == ""

"""Untrusted certificate text is shown literally in text, and kept exactly in JSON."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from sevis_tui.cert import inspect_bytes
from sevis_tui.cert.factory import pem
from sevis_tui.cert.text_report import Tally, make_console, plain_text, printable, render_report

EVIL = "evil\x1b[31m\x1b]0;pwned\x07 [red]x[/] [bold]\u202eobed\x9b2J"


def test_printable_escapes_controls_and_keeps_the_rest() -> None:
    assert printable("José [red]x[/]") == "José [red]x[/]"
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("\u202e\x9b\x00") == "\\u202e\\x9b\\x00"
    assert printable("\udcff") == "\\udcff"  # a non-UTF-8 file name byte


def test_escape_sequences_and_markup_shown_literally(pki: Any) -> None:
    person = pki.person(common_name=EVIL, email=None)
    data = pem(person.certificate) + pem(pki.intermediate.certificate)
    report = inspect_bytes(data, pki.policy, name="name\x1b[2J.pem")
    text = plain_text(report)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\x9b" not in text
    # (RFC 4514 escapes the ";" in the subject line.)
    assert "evil\\x1b[31m\\x1b]0\\;pwned\\x07 [red]x[/] [bold]\\u202eobed\\x9b2J" in text
    assert "name\\x1b[2J.pem" in text
    # Coloured output also keeps the markup literally and adds only its own escapes.
    buffer = io.StringIO()
    render_report(report, make_console(buffer, color=True))
    coloured = buffer.getvalue()
    assert "[red]x[/]" in coloured and "\\x1b]0\\;pwned" in coloured
    assert "\x1b]0" not in coloured and "\x07" not in coloured
    # JSON keeps the exact value.
    decoded = json.loads(json.dumps(report.to_dict(), ensure_ascii=True))
    assert decoded["subject"]["subject_common_name"] == EVIL
    assert decoded["name"] == "name\x1b[2J.pem"


def test_report_layout(pki: Any) -> None:
    person = pki.person()
    report = inspect_bytes(pem(person.certificate), pki.policy, name="jsmith6544.pem")
    text = plain_text(report)
    assert text.startswith("== jsmith6544.pem  (PEM, 1 certificate)  NOT OK: 1 error")
    assert "<- would be registered" in text
    assert "ERROR   Issued by «Accepted Test CA»" in text and "[missing_intermediate]" in text
    assert "-> Add the intermediate certificate «Test Client CA»" in text
    assert "\x1b" not in text


def test_tally_line(pki: Any) -> None:
    tally = Tally()
    good = inspect_bytes(
        pem(pki.person().certificate) + pem(pki.intermediate.certificate), pki.policy
    )
    tally.add(good)
    tally.add(inspect_bytes(b"junk", pki.policy))
    tally.skipped = 3
    assert tally.line().plain == (
        "2 files checked: 1 OK, 0 with warnings, 1 with errors; "
        "3 other files skipped (not certificate files)"
    )


_COLOUR = re.compile(r"\x1b\[[0-9;]*?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(
    pki: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = inspect_bytes(pem(pki.person().certificate), pki.policy, name="x.pem")
    for stream, no_color, coloured in (
        (io.StringIO(), None, False),
        (_Terminal(), None, True),
        (_Terminal(), "1", False),
    ):
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        monkeypatch.delenv("TERM", raising=False)
        render_report(report, make_console(stream))
        # NO_COLOR (no-color.org) removes colour; bold and italic may stay.
        assert bool(_COLOUR.search(stream.getvalue())) is coloured

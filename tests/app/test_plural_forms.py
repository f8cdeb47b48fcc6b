"""One program is "1 program", not "1 programs", in every sentence that counts them."""

from __future__ import annotations

from sevis_tui.text.formats import counted
from sevis_tui.tui.dialogs.programs_confirm import programs_line, question_for
from sevis_tui.workflows.multi_register import Certificate

CERTIFICATE = Certificate(b"", "AA", "CN=jsmith6544", "jsmith6544.pem", "jsmith6544")


def test_counted() -> None:
    assert [counted(n, "program") for n in (0, 1, 2)] == ["0 programs", "1 program", "2 programs"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries").endswith(
        "entries"
    )


def test_the_several_programs_sentences() -> None:
    assert programs_line(["P-1-00001"]) == "For 1 program: P-1-00001"
    assert programs_line(["P-1-00001", "P-1-00002"]).startswith("For 2 programs: ")
    one = question_for(CERTIFICATE, ["P-1-00002"], has_private_key=False)
    assert one == "Register jsmith6544 for batch processing for program P-1-00002?"
    two = question_for(CERTIFICATE, ["P-1-00001", "P-1-00002"], has_private_key=False, held=2)
    assert two == (
        "Register jsmith6544 for batch processing for these 2 programs? Each gets its own "
        "registration and confirmation number. 2 programs already have it: nothing is sent "
        "for them."
    )

"""The one confirmation before a certificate is registered for several programs: the programs,
and what each registration will replace (its current certificate, if any)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from sevis_tui.contract import CertificatePrograms
from sevis_tui.text.formats import counted
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.workflows.multi_register import Certificate, ProgramResult


def programs_line(numbers: Sequence[str], width: int = 60) -> str:
    """The programs as one line, cut with "and N more": For 3 programs: P-1-00001, ..."""
    head = f"For {counted(len(numbers), 'program')}: "
    shown: list[str] = []
    for index, number in enumerate(numbers):
        rest = len(numbers) - index - 1
        tail = f", and {rest} more" if rest else ""
        if len(head + ", ".join([*shown, number]) + tail) > width and shown:
            return head + ", ".join(shown) + f", and {len(numbers) - len(shown)} more"
        shown.append(number)
    return head + ", ".join(shown)


def replaces_line(result: ProgramResult, registered: CertificatePrograms) -> str:
    """One line: the program, what its registration will replace, its name."""
    target = result.target
    if target.number in registered.numbers() and not result.uploaded:
        what = "already has it: not sent"
    elif result.done:
        what = "registered in this run"
    elif target.replaces:
        subject = f" ({target.replaces_subject})" if target.replaces_subject else ""
        what = f"replaces {target.replaces}{subject}"
    else:
        what = "first registration"
    return f"{target.number}  {what}  {target.name}".rstrip()


def question_for(
    certificate: Certificate, sending: Sequence[str], has_private_key: bool, held: int = 0
) -> str:
    """The question before sending to the programs `sending`; `held` more already hold this
    certificate (they are not sent again)."""
    these = f"program {sending[0]}" if len(sending) == 1 else f"these {len(sending)} programs"
    question = f"Register {certificate.name} for batch processing for {these}?"
    if len(sending) > 1:
        question += " Each gets its own registration and confirmation number."
    if held:
        question += (
            f" {counted(held, 'program')} already {'has' if held == 1 else 'have'} it: "
            "nothing is sent for " + ("it." if held == 1 else "them.")
        )
    if has_private_key:
        question += (
            " The file also holds your private key: only the certificate is sent; the key stays "
            "on this machine."
        )
    return question


class ProgramsConfirmDialog(ConfirmDialog):
    """A ConfirmDialog whose list of programs scrolls (50 programs do not fit 24 lines)."""

    DEFAULT_CSS = """
    ProgramsConfirmDialog #confirm-list {
        height: auto; max-height: 30vh; margin-bottom: 1; border: round $primary; padding: 0 1;
    }
    ProgramsConfirmDialog #confirm-lines { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, question: str, lines: Sequence[str], *, yes: str = "Register") -> None:
        super().__init__(question, yes=yes)
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with VerticalScroll(id="confirm-list"):
                yield Static("\n".join(self.lines), id="confirm-lines", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="primary")
                yield Button(f"{self.no_label} (n)", id="no")
        yield KeyLine()

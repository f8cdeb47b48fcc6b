"""The outcome of an upload: the Confirmation page, or the errors with what to do about each."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sevis_tui.api.errors import SevisError
from sevis_tui.cert import Finding
from sevis_tui.cert.text_report import printable
from sevis_tui.cert.why import why
from sevis_tui.contract import Confirmation
from sevis_tui.text import formats
from sevis_tui.tui.dialogs.save_dialog import SaveDialog
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import AnotherFileWanted, RegistrationFinished
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.tui.widgets.report_view import field_grid
from sevis_tui.tui.widgets.wrapping import Hanging
from sevis_tui.workflows.printouts import receipt_printout, safe_file_part

HELP_CONFIRMED = """
# Confirmation

SEVIS accepted the certificate and your credentials: the certificate is now registered for batch
processing for this program. Quote the **confirmation number** if you call the help desk.

- {key:result.save} saves a receipt to a text file.
- {key:result.done} or {key:screen.back} returns to Program Sponsor Information.

Warnings, if any, do not stop the registration but deserve attention (for example a certificate
that expires soon: register the renewed one before its first batch).
"""

HELP_REJECTED = """
# Registration refused

SEVIS could not validate the certificate. Each problem is listed with why it matters and how to
fix it.

- {key:result.again} (or {key:screen.back}) goes back to choose another file. You do not need
  to accept the agreement again.
- {key:result.done} returns to Program Sponsor Information.
"""


class ResultScreen(SevisScreen):
    """Says AnotherFileWanted (after a refusal) or RegistrationFinished when the officer is done."""

    DEFAULT_CSS = """
    ResultScreen #outcome { height: 1fr; padding: 0 1; }
    ResultScreen #headline { text-style: bold; padding: 0 1; margin-bottom: 1; }
    ResultScreen #headline.-ok { background: $success 30%; }
    ResultScreen #headline.-refused { background: $error 30%; }
    """

    BINDINGS = [
        Binding("s", "save_receipt", "Save receipt", id="result.save"),
        Binding("c", "choose_again", "Choose another file", id="result.again"),
        Binding("enter", "done", "Done", id="result.done"),
    ]

    def __init__(
        self, confirmation: Confirmation | None, error: SevisError | None, findings: list[Finding]
    ) -> None:
        super().__init__()
        self.confirmation = confirmation
        self.error = error
        self.findings = findings

    @classmethod
    def confirmed(cls, confirmation: Confirmation) -> ResultScreen:
        return cls(confirmation, None, list(confirmation.warnings))

    @classmethod
    def rejected(cls, error: SevisError) -> ResultScreen:
        return cls(None, error, list(error.findings))

    @property
    def location(self) -> str:
        state = "Confirmation" if self.confirmation else "Registration refused"
        return f"Batch Process Registration · {state}"

    @property
    def help_text(self) -> str:
        return HELP_CONFIRMED if self.confirmation else HELP_REJECTED

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="outcome", classes="pane"):
            if self.confirmation is not None:
                number = self.confirmation.number
                yield Static(
                    Text(f"✓ Registered. Confirmation number {number}"),
                    id="headline",
                    classes="-ok",
                )
                yield Static(confirmation_table(self.confirmation), id="details")
            else:
                message = self.error.message if self.error else "The certificate was refused."
                yield Static(Text(f"✗ {message}"), id="headline", classes="-refused")
            if self.findings:
                yield Static(findings_text(self.findings, refused=self.confirmation is None))
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#outcome").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_receipt":
            return self.confirmation is not None
        if action == "choose_again":
            return self.confirmation is None
        return True

    def palette_commands(self) -> list[PaletteCommand]:
        if self.confirmation is not None:
            return [
                (
                    "Save a receipt",
                    "Write the confirmation to a text file",
                    self.action_save_receipt,
                )
            ]
        return [("Choose another file", "Back to the file browser", self.action_choose_again)]

    def action_done(self) -> None:
        self.post_message(RegistrationFinished())

    def action_choose_again(self) -> None:
        self.post_message(AnotherFileWanted())

    def action_back(self) -> None:
        # Escape: after a refusal, another file; after a registration, done.
        if self.confirmation is None:
            self.action_choose_again()
        else:
            self.action_done()

    def action_save_receipt(self) -> None:
        confirmation = self.confirmation
        if confirmation is None:
            return
        content = receipt_printout(
            "SEVIS batch processing registration: Confirmation",
            receipt_rows(confirmation),
            [f"{f.message} {f.remedy}".strip() for f in confirmation.warnings],
        )
        settings = self.sevis.settings
        name = f"batch-registration-{safe_file_part(confirmation.number)}.txt"
        self.app.push_screen(
            SaveDialog("Save the receipt to this file:", settings.print_folder / name, content),
            self._saved,
        )

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            self.message.show(f"Saved to {path}", tone="info")


def receipt_rows(confirmation: Confirmation) -> list[tuple[str, str]]:
    certificate = confirmation.certificate
    return [
        ("Confirmation number", confirmation.number),
        ("Program", confirmation.program),
        ("Officer", confirmation.user_id),
        ("Time", formats.minute_utc(confirmation.time)),
        ("Certificate", certificate.subject),
        ("Issuer", certificate.issuer),
        ("Expires", formats.minute_utc(certificate.not_after)),
        ("SHA-256", certificate.sha256),
    ]


def confirmation_table(confirmation: Confirmation) -> Table:
    return field_grid(receipt_rows(confirmation))


def findings_text(findings: list[Finding], *, refused: bool) -> Group:
    """Each finding with why it matters and what to do; wrapped lines stay under their text."""
    title = "What is wrong and how to fix it" if refused else "Warnings"
    parts: list[RenderableType] = [Text(f"\n{title}", style="bold underline")]
    for finding in findings:
        mark = {"error": "✗", "warning": "!", "info": "i"}.get(finding.severity, "·")
        style = {"error": "bold red", "warning": "bold yellow"}.get(finding.severity, "bold")
        head = Text("\n")
        label = Text(f"{mark} {finding.severity.upper()}  ", style=style)
        head.append_text(label)
        head.append(printable(finding.message))
        parts.append(Hanging(head, label.cell_len))
        reason = why(finding.code)
        if reason:
            line = Text("  Why it matters: ", style="bold")
            indent = line.cell_len
            line.append(reason)
            parts.append(Hanging(line, indent))
        if finding.remedy:
            line = Text("  What to do: ", style="bold")
            indent = line.cell_len
            line.append(printable(finding.remedy))
            parts.append(Hanging(line, indent))
        parts.append(Text(f"  ({finding.code})", style="dim"))
    return Group(*parts)

"""Batch Process Registration: read, print and accept the Batch Processing Agreement."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sevis_tui.api.errors import SevisError, StaleAgreement
from sevis_tui.contract import Acceptance, Agreement, BatchSummary
from sevis_tui.tui.dialogs.save_dialog import SaveDialog
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import AgreementAccepted
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.workflows.printouts import agreement_printout, reflow, safe_file_part

HEADING = "Acceptance of DHS Regulations and SEVIS Batch Interface Security Requirements"


class AgreementScreen(SevisScreen):
    LOCATION = "Batch Process Registration · Agreement"
    HELP = f"""
# Batch Processing Agreement

Step 1 of 2 of *Register for Batch Processing*. Read the **{HEADING}** carefully.

- Scroll with the arrows, **Page Down** and **End**. **Accept** ({{key:agreement.accept}})
  becomes available once you have reached the end of the text.
- {{key:agreement.print}} prints the agreement to a file for your records (SEVIS asks you to
  keep a copy).
- {{key:agreement.decline}} or {{key:screen.back}} declines and returns to the program.

After you accept, the next step is choosing and uploading your certificate file.
"""

    BINDINGS = [
        Binding("y", "accept", "Accept", id="agreement.accept"),
        Binding("d", "back", "Decline", id="agreement.decline"),
        Binding("p", "print", "Print", id="agreement.print"),
    ]

    DEFAULT_CSS = """
    AgreementScreen #agreement-title { padding: 0 1; text-style: bold; }
    AgreementScreen #agreement-text { height: 1fr; border: round $primary; padding: 0 1; }
    AgreementScreen #agreement-text:focus { border: round $accent; }
    AgreementScreen #progress {
        padding: 0 1; color: $text-muted; height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(self, number: str, program_name: str, *, held: BatchSummary | None = None) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        self.held = held  # passed on to the upload: which certificate the program holds
        self.agreement: Agreement | None = None
        self.read_to_end = False
        self._text_lines = 0  # lines of the agreement as laid out at the current width
        # How far through the text the officer has read (0 to 1), kept across a resize: the
        # same line number is another place in text wrapped to another width.
        self._read_fraction = 0.0
        # While resized: "wrap" until the text is wrapped for the new width, then "place"
        # until it is laid out, "placing" while scrolled back to the same place; else None.
        self._resizing: str | None = None
        self._placed_at: float | None = None  # where a resize put the scroll (not the officer)

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static(Text(self.title_text()), id="agreement-title")
        with VerticalScroll(id="agreement-text"):
            yield Static("Loading the agreement…", id="agreement-body", markup=False)
        yield Static("", id="progress")
        yield KeyLine()

    def title_text(self) -> str:
        """The line over the text: whom the acceptance is for."""
        return f"{self.number} · {self.program_name}"

    def on_mount(self) -> None:
        box = self.query_one("#agreement-text", VerticalScroll)
        box.focus()
        # Where the officer asked to scroll to counts as well as where the scroll is now: an End
        # that the layout cut short (a message appearing meanwhile) still reaches the end.
        self.watch(box, "scroll_y", self._check_progress, init=False)
        self.watch(box, "scroll_target_y", self._check_progress, init=False)
        # And once the text is laid out (or laid out again at another width).
        self.watch(box, "virtual_size", self._check_progress, init=False)
        self.load()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Print the agreement to a file", "Keep a copy for your records", self.action_print),
            ("Accept the agreement", "Available once you have read to the end", self.action_accept),
            ("Decline the agreement", "Return to Program Sponsor Information", self.action_back),
        ]

    # ------------------------------------------------------------------ loading and reading

    def load(self) -> None:
        self.request(lambda c: c.agreement(), self.show, group="agreement", retry=self.load)

    def show(self, agreement: Agreement) -> None:
        self.message.clear()
        self.agreement = agreement
        self.read_to_end = False
        box = self.query_one("#agreement-text", VerticalScroll)
        box.border_title = f"{agreement.title} · version {agreement.version}"
        self._show_text()
        box.scroll_home(animate=False)
        self.refresh_bindings()  # Print is available now
        self.call_after_refresh(self._check_progress)

    def _show_text(self) -> None:
        if self.agreement is None:
            return
        box = self.query_one("#agreement-text", VerticalScroll)
        # Leave room for the vertical scroll bar, which appears once the text is longer.
        width = (
            box.content_region.width or self.size.width - 4
        ) - box.styles.scrollbar_size_vertical
        text = reflow(self.agreement.text, width)
        self._text_lines = text.count("\n") + 1
        self.query_one("#agreement-body", Static).update(Text(text))

    def on_resize(self) -> None:
        self._resizing = "wrap"
        # Wrapped again once the box has its new width (text set while the resize is laid
        # out kept the old height), then back to the same place in the text (a larger
        # window may now show the end).
        self.call_after_refresh(self._wrap_again)

    def _wrap_again(self) -> None:
        self._show_text()
        self._resizing = "place"
        self.call_after_refresh(self._check_progress)

    def _keep_place(self) -> None:
        """Once the text is laid out at the new width: the same place in it as before."""
        body = self.query_one("#agreement-body", Static)
        if body.size.height != self._text_lines:
            return  # not laid out yet: the change of its height calls _check_progress again
        self._resizing = "placing"  # the scrolls below are not the officer's
        box = self.query_one("#agreement-text", VerticalScroll)
        self._placed_at = round(self._read_fraction * box.max_scroll_y)
        box.scroll_y = box.scroll_target_y = self._placed_at
        self._resizing = None

    def _check_progress(self) -> None:
        box = self.query_one("#agreement-text", VerticalScroll)
        if self._resizing is not None:
            if self._resizing == "place":
                self._keep_place()
            if self._resizing is not None:
                return
        if self.agreement is None or box.virtual_size.height < self._text_lines:
            return  # the text is not laid out yet: where the scroll is means nothing
        # Once reached, the end stays reached: layout changes afterwards do not undo it.
        if not self.read_to_end and max(box.scroll_y, box.scroll_target_y) >= box.max_scroll_y:
            self.read_to_end = True
            self.message.clear()  # "read to the end first" is answered
        if box.scroll_y != self._placed_at:  # the officer moved: read where the scroll is
            self._placed_at = None
            self._read_fraction = box.scroll_y / box.max_scroll_y if box.max_scroll_y else 1.0
        if self.read_to_end:
            note = "You have read to the end: y accepts · p prints · d declines"
        else:
            percent = int(100 * self._read_fraction)
            note = f"Read to the end to accept ({percent}% read) · p prints · d declines"
        self.query_one("#progress", Static).update(note)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept":
            # None: shown in the footer but dimmed, so the officer sees Accept is coming.
            return True if self.read_to_end else None
        if action == "print":
            return self.agreement is not None
        return True

    def why_not(self, action: str) -> str:
        if action == "accept":
            return "Read the agreement to the end first (End goes there); then y accepts."
        return ""

    # ------------------------------------------------------------------ actions

    def action_accept(self) -> None:
        if self.agreement is None or not self.read_to_end:
            return
        self.message.show("Recording your acceptance…", tone="working")
        number, version = self.number, self.agreement.version
        self.request(
            lambda c: c.accept_agreement(number, version),
            self.accepted,
            group="accept",
            retry=self.action_accept,
        )

    def accepted(self, acceptance: Acceptance) -> None:
        del acceptance  # the service keeps it; the upload checks it
        self.message.clear()
        self.post_message(AgreementAccepted(self.number, self.program_name, self.held))

    def request_failed(self, error: SevisError) -> None:
        if isinstance(error, StaleAgreement):
            self.message.show(error.message, "The new version is shown: read it, then accept.")
            self.load()
            return
        super().request_failed(error)

    def action_print(self) -> None:
        agreement = self.agreement
        if agreement is None:
            return
        login = self.sevis.login
        officer = f"{login.user.name} ({login.user.user_id})" if login else "unknown"
        content = agreement_printout(
            title=agreement.title,
            heading=HEADING,
            version=str(agreement.version),
            text=agreement.text,
            program=f"{self.number} {self.program_name}",
            officer=officer,
            printed_at=self.sevis.clock().astimezone(),
        )
        name = f"batch-agreement-{safe_file_part(self.number)}-v{agreement.version}"
        suggested = self.sevis.settings.print_folder / f"{name}.txt"
        self.app.push_screen(
            SaveDialog("Print the agreement to this file:", suggested, content), self._saved
        )

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            self.message.show(f"Saved to {path}", tone="info")

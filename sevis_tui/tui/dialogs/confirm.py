"""A yes/no question asked once before something that cannot be undone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sevis_tui.tui.quiet_focus import QuietFocus
from sevis_tui.tui.widgets.key_line import KeyLine

CONFIRM_HELP = """
- {key:confirm.yes} (or **Enter** on the first button) answers yes; {key:confirm.no} answers no.
- The arrows move between the two buttons.

Nothing happens until you answer.
"""


class ConfirmDialog(QuietFocus, ModalScreen[bool]):
    """Returns True for yes (y or Enter on the yes button), False for no (n or Escape)."""

    DEFAULT_CSS = """
    /* Opaque: a see-through backdrop repaints the screen beneath, dimmed (~20 KB). */
    ConfirmDialog { align: center middle; background: $background; }
    ConfirmDialog > #confirm-box {
        width: 70; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmDialog #confirm-question { margin-bottom: 1; }
    ConfirmDialog #confirm-buttons { height: auto; align: center middle; }
    ConfirmDialog Button { margin: 0 2; }
    """

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left,right", "app.focus_next", "Switch", show=False),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="primary")
                yield Button(f"{self.no_label} (n)", id="no")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_help(self) -> None:
        from sevis_tui.tui.dialogs.help import HelpScreen

        body = f"# A question\n\n{self.question}\n\n{CONFIRM_HELP}"
        self.app.push_screen(HelpScreen("Question", body, self))

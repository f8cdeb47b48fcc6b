"""Save text to a file: an editable path, no silent overwrite, a notice with the full path."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sevis_tui.printouts import write_text_file
from sevis_tui.widgets.key_line import KeyLine


class SaveDialog(ModalScreen[Path | None]):
    """Asks where to save `content`; returns the path written, or None when cancelled."""

    DEFAULT_CSS = """
    SaveDialog { align: center middle; }
    SaveDialog > #save-box {
        width: 76; max-width: 98%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    SaveDialog #save-problem { color: $error; height: auto; }
    SaveDialog #save-hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save.cancel")]

    def __init__(self, title: str, suggested: Path, content: str) -> None:
        super().__init__()
        self.dialog_title = title
        self.suggested = suggested
        self.content = content
        self._overwrite_armed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box"):
            yield Static(self.dialog_title, markup=False)
            yield Input(str(self.suggested), id="save-path")
            yield Static("", id="save-problem", markup=False)
            yield Static("Enter saves · Escape cancels", id="save-hint")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        del event
        self._overwrite_armed = None
        self.query_one("#save-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        problem = self.query_one("#save-problem", Static)
        if not raw:
            problem.update("Type a file name to save to.")
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            problem.update(f"{path} is a folder. Add a file name at the end of the path.")
            return
        if path.exists() and self._overwrite_armed != str(path):
            self._overwrite_armed = str(path)
            problem.update(f"{path.name} already exists. Press Enter again to replace it.")
            return
        try:
            write_text_file(path, self.content)
        except OSError as error:
            reason = error.strerror or str(error)
            problem.update(f"Could not save to {path}: {reason}. Choose another folder.")
            return
        self.app.notify(f"Saved to {os.path.abspath(path)}", title="Saved", timeout=8)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)

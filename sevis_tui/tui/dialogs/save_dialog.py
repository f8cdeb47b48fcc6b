"""Save text to a file: an editable path, no silent overwrite, a notice with the full path."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sevis_tui.tui.quiet_focus import QuietFocus
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.tui.widgets.wrapping import wrap_text
from sevis_tui.workflows.printouts import write_text_file

SAVE_HELP = """
The field holds the full path of the file to write; edit it as you like (**Home** and **End** go to
its start and end; **~** at the start means your home folder).

- **Enter** saves. A file that already exists is replaced only after a second **Enter**.
- The folder must exist; only the folder first suggested is made when it is missing.
- {key:save.cancel} cancels: nothing is written.

The file is plain text, for your records.
"""


class SaveDialog(QuietFocus, ModalScreen[Path | None]):
    """Asks where to save `content`; returns the path written, or None when cancelled."""

    DEFAULT_CSS = """
    /* Opaque: a see-through backdrop repaints the screen beneath, dimmed (~20 KB). */
    SaveDialog { align: center middle; background: $background; }
    SaveDialog > #save-box {
        width: 76; max-width: 98%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    SaveDialog #save-target { color: $text-muted; height: auto; }
    SaveDialog #save-problem { color: $error; height: auto; }
    SaveDialog #save-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("escape", "cancel", "Cancel", id="save.cancel"),
    ]

    def __init__(self, title: str, suggested: Path, content: str) -> None:
        super().__init__()
        self.dialog_title = title
        self.suggested = suggested
        self.content = content
        self._overwrite_armed: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save-box"):
            yield Static(self.dialog_title, markup=False)
            yield Input(shown_path(self.suggested), id="save-path", select_on_focus=False)
            yield Static("", id="save-target", markup=False)
            yield Static("", id="save-problem", markup=False)
            yield Static("Enter saves · Escape cancels · Home/End: start/end", id="save-hint")
        yield KeyLine()

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        # At the end, where a name is edited: typed at the start, a key would land in the
        # folder's name (`X~/sevis-tui/…`). The full path is shown below the field.
        field.cursor_position = len(field.value)
        self._show_target(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._overwrite_armed = None
        self.query_one("#save-problem", Static).update("")
        self._show_target(event.value)

    def on_resize(self) -> None:
        self._show_target(self.query_one(Input).value)

    def _show_target(self, raw: str) -> None:
        target = self.query_one("#save-target", Static)
        full = os.path.abspath(Path(raw.strip()).expanduser()) if raw.strip() else ""
        width = target.content_region.width or self.app.size.width - 12
        target.update(wrap_text(Text(f"Saves to {full}"), width, indent=9) if full else "")

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
        folder = Path(os.path.abspath(path)).parent
        if not folder.is_dir() and folder != Path(os.path.abspath(self.suggested)).parent:
            # A slip of the keys must not make folders nobody asked for (`ired~/sevis-tui/`).
            problem.update(f"No folder {folder}: save into a folder that exists.")
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
        # The screen below says where it went (a notice would cover its status and key lines).
        self.dismiss(Path(os.path.abspath(path)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from sevis_tui.tui.dialogs.help import HelpScreen

        body = f"# {self.dialog_title}\n\n{SAVE_HELP}"
        self.app.push_screen(HelpScreen("Save to a file", body, self))


def shown_path(path: Path) -> str:
    """The path as the field shows it: the home folder as ~, so that more of it fits."""
    home = Path.home()
    try:
        return str(Path("~") / path.relative_to(home))
    except ValueError:
        return str(path)

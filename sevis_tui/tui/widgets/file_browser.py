"""A fast, keyboard-first browser for one folder at a time, built to find certificate files.

The listing is read in a thread with `os.scandir` and shown at once; sizes, dates and a look at
each file's first bytes follow in a second thread. Only visible rows are drawn (see FileList).
The browser never writes state: it posts messages and the screen decides what to keep.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from sevis_tui.folders.listing import Entry, Kind, display_name
from sevis_tui.tui.widgets.file_list import FileList
from sevis_tui.tui.widgets.folder_pane import DEFAULT_EXTENSIONS, FolderPane
from sevis_tui.tui.widgets.path_input import PathInput
from sevis_tui.tui.widgets.type_to_filter import types_into_filter

__all__ = ["DEFAULT_EXTENSIONS", "FileBrowser"]


# What a screen with the browser adds to its F1 help ({key:ID}: the keys in force).
BROWSER_KEYS_HELP = """\
File browser keys: typing a letter or digit filters the list by name ({key:file_browser.filter}
filters by anything), {key:file_browser.clear_filter} clears the filter. {key:file_browser.parent}
goes up a folder, {key:file_browser.home} goes home, {key:file_browser.toggle_hidden} shows hidden
files, {key:file_browser.toggle_certificates} switches between certificate files and all files,
{key:file_browser.goto} types a path ({key:path_input.complete} completes),
{key:file_browser.reload} reloads.
"""


class FileBrowser(FolderPane):
    """Lists one folder (FolderPane) and acts on keys; posts FileChosen, Highlighted and
    FolderChanged."""

    # No letters or digits: typed on the list they always filter (tui/widgets/type_to_filter.py).
    BINDINGS = [
        Binding("enter", "open", "Open", id="file_browser.open"),
        Binding("backspace", "parent", "Parent", id="file_browser.parent"),
        Binding("slash", "start_filter", "Filter", key_display="/", id="file_browser.filter"),
        Binding("escape", "close_goto", "Cancel", id="file_browser.close_goto"),
        Binding("escape", "clear_filter", "Clear filter", id="file_browser.clear_filter"),
        Binding("ctrl+l", "goto", "Go to", id="file_browser.goto"),
        Binding(
            "ctrl+t", "toggle_certificates", "All/certs", id="file_browser.toggle_certificates"
        ),
        Binding(".", "toggle_hidden", "Hidden", id="file_browser.toggle_hidden"),
        Binding("~", "home", "Home", id="file_browser.home"),
        Binding("ctrl+r", "reload", "Reload", id="file_browser.reload"),
        Binding("up", "cursor_up", "Up", show=False, id="file_browser.up"),
        Binding("down", "cursor_down", "Down", show=False, id="file_browser.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="file_browser.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="file_browser.page_down"),
        Binding("home", "first", "First", show=False, id="file_browser.first"),
        Binding("end", "last", "Last", show=False, id="file_browser.last"),
    ]

    class FileChosen(Message):
        """The officer pressed enter on a file. `path` holds the real name (os.fsencode works)."""

        def __init__(self, browser: FileBrowser, path: Path) -> None:
            super().__init__()
            self.browser = browser
            self.path = path

        @property
        def control(self) -> FileBrowser:
            return self.browser

    class Highlighted(Message):
        """The cursor moved: to `path` (of kind `kind`, e.g. "file", "folder"), or to nothing."""

        def __init__(self, browser: FileBrowser, path: Path | None, kind: str = "") -> None:
            super().__init__()
            self.browser = browser
            self.path = path
            self.kind = kind

        @property
        def control(self) -> FileBrowser:
            return self.browser

    class FolderChanged(Message):
        """A folder was read and is now shown; the screen may remember it."""

        def __init__(self, browser: FileBrowser, path: Path) -> None:
            super().__init__()
            self.browser = browser
            self.path = path

        @property
        def control(self) -> FileBrowser:
            return self.browser

    def folder_read(self) -> None:
        self.post_message(self.FolderChanged(self, Path(self.folder)))

    # ------------------------------------------------------------------ typing
    def list_key(self, event: events.Key) -> bool:
        """Keys for the filter: the rule for every list (letters and digits always filter)."""
        if self.filter_open and event.key == "backspace":
            if self.view.filter_text:
                self._set_filter(self.view.filter_text[:-1])
            else:
                self.action_clear_filter()
            return True
        if types_into_filter(event, filtering=self.filter_open, bound=self._is_bound):
            self.filter_open = True
            self._set_filter(self.view.filter_text + (event.character or ""))
            return True
        return False

    def _is_bound(self, key: str) -> bool:
        return key in self.screen.active_bindings

    def _set_filter(self, text: str) -> None:
        self.view.filter_text = text
        self._show_filter()
        self._refilter(keep=self.file_list.highlighted)

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return self.filter_open and not self._goto_open()
        if action == "close_goto":
            return self._goto_open()
        if self._goto_open():
            return False  # the path field takes the keys; the key bar shows its own
        # While a filter is typed, Backspace and / are filter text.
        return not (self.filter_open and action in ("parent", "start_filter"))

    def _goto_open(self) -> bool:
        return bool(self.query_one(PathInput).display)

    def action_cursor_up(self) -> None:
        self.file_list.move_cursor(-1)

    def action_cursor_down(self) -> None:
        self.file_list.move_cursor(1)

    def action_page_up(self) -> None:
        self.file_list.move_cursor(-self.file_list.page_height)

    def action_page_down(self) -> None:
        self.file_list.move_cursor(self.file_list.page_height)

    def action_first(self) -> None:
        self.file_list.set_cursor(0)

    def action_last(self) -> None:
        self.file_list.set_cursor(len(self.file_list.rows) - 1)

    def action_open(self) -> None:
        entry = self.file_list.highlighted
        if entry is not None:
            self._open(entry)

    def _open(self, entry: Entry) -> None:
        path = entry.path(self.folder)
        if entry.kind is Kind.FOLDER:
            self.load(path)
        elif entry.kind is Kind.FILE:
            self.post_message(self.FileChosen(self, Path(path)))
        else:
            self.notify_inline(
                f"{entry.label} is a {entry.kind.value}, not a file. Choose a certificate file.",
                error=True,
            )

    def action_parent(self) -> None:
        parent, name = os.path.split(self.folder)
        if name:
            self.load(parent, select=name)

    def action_home(self) -> None:
        self.load(os.path.expanduser("~"))

    def action_reload(self) -> None:
        highlighted = self.file_list.highlighted
        self.load(self.folder, select=highlighted.name if highlighted else "")

    def action_start_filter(self) -> None:
        self.filter_open = True
        self._show_filter()
        self.file_list.focus()

    def action_clear_filter(self) -> None:
        self.filter_open = False
        self._set_filter("")

    def action_toggle_hidden(self) -> None:
        self.view.show_hidden = not self.view.show_hidden
        self.view.invalidate()
        self._refilter(keep=self.file_list.highlighted)

    def action_toggle_certificates(self) -> None:
        self.view.certificates_only = not self.view.certificates_only
        self.view.invalidate()
        self._refilter(keep=self.file_list.highlighted)

    def action_goto(self) -> None:
        path_input = self.query_one(PathInput)
        folder = display_name(self.folder) if self.folder.isprintable() else self.folder
        path_input.value = folder.rstrip(os.sep) + os.sep
        path_input.cursor_position = len(path_input.value)
        path_input.display = True
        path_input.focus()
        self.refresh_bindings()

    def action_close_goto(self) -> None:
        path_input = self.query_one(PathInput)
        path_input.display = False
        self.file_list.focus()
        self.refresh_bindings()

    # ------------------------------------------------------------------ children
    @on(FileList.CursorMoved)
    def _cursor_moved(self, message: FileList.CursorMoved) -> None:
        message.stop()
        entry = message.entry
        if entry is None:
            self.post_message(self.Highlighted(self, None))
        else:
            kind = entry.kind.value
            self.post_message(self.Highlighted(self, Path(entry.path(self.folder)), kind))

    @on(FileList.Activated)
    def _activated(self, message: FileList.Activated) -> None:
        message.stop()
        self._open(message.entry)

    @on(Input.Submitted, "#goto")
    def _goto_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        typed = os.path.expanduser(message.value.strip())
        if not typed:
            return
        target = typed if os.path.isabs(typed) else os.path.join(self.folder, typed)
        if not os.path.lexists(target):
            self.notify_inline(
                # The words first: a long path is cut at the line's end, not the news.
                f"No such file or folder (it does not exist): {display_name(target)}. "
                "Check the path; tab completes names.",
                error=True,
            )
            return
        self.action_close_goto()
        self.load(target)

    @on(PathInput.Completions)
    def _completions(self, message: PathInput.Completions) -> None:
        message.stop()
        matches = message.matches
        if len(matches) > 1:
            shown = "  ".join(display_name(match) for match in matches[:12])
            more = f"  (+{len(matches) - 12} more)" if len(matches) > 12 else ""
            self.notify_inline(shown + more)
        elif not matches:
            self.notify_inline("No names start with that. Check the path.", error=True)
        else:
            self.notify_inline("")

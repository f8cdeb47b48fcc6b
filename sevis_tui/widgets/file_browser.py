"""A fast, keyboard-first browser for one folder at a time, built to find certificate files.

The listing is read in a thread with `os.scandir` and shown at once; sizes, dates and a look at
each file's first bytes follow in a second thread. Only visible rows are drawn (see FileList).
The browser never writes state: it posts messages and the screen decides what to keep.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from sevis_tui.folders.listing import (
    Entry,
    Kind,
    Listing,
    display_name,
    fill_details,
    scan_folder,
)
from sevis_tui.folders.view import FolderView
from sevis_tui.widgets.file_list import FileList
from sevis_tui.widgets.path_bar import PathBar, home_relative
from sevis_tui.widgets.path_input import PathInput
from sevis_tui.widgets.type_to_filter import types_into_filter

DEFAULT_EXTENSIONS = (".cer", ".pem", ".crt", ".der", ".p7b", ".p7c", ".p12", ".pfx")
# Past this many entries, say so: the officer is better served by typing a filter.
LARGE_FOLDER_ENTRIES = 50_000
# Details (size, date, content mark) are published to the UI at most this often.
DETAILS_PUBLISH_SECONDS = 0.15
DETAILS_CHUNK = 256


class FileBrowser(Vertical):
    """Lists one folder; posts FileChosen, Highlighted and FolderChanged."""

    DEFAULT_CSS = """
    FileBrowser { height: 1fr; }
    FileBrowser > #filter { height: 1; padding: 0 1; background: $boost; display: none; }
    FileBrowser > #notice { height: auto; padding: 0 1; display: none; }
    FileBrowser > #notice.-error { background: $error 25%; }
    FileBrowser > #notice.-info { background: $primary 20%; }
    FileBrowser > PathInput { display: none; }
    FileBrowser > #status { height: 1; padding: 0 1; color: $foreground-muted; }
    """

    # No letters or digits: typed on the list they always filter (widgets/type_to_filter.py).
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

    class _ListingRead(Message):
        def __init__(
            self, generation: int, listing: Listing, select: str, complete: bool = True
        ) -> None:
            super().__init__()
            self.generation = generation
            self.listing = listing
            self.select = select
            self.complete = complete

    class _DetailsRead(Message):
        def __init__(self, generation: int, finished: bool) -> None:
            super().__init__()
            self.generation = generation
            self.finished = finished

    def __init__(
        self,
        start_folder: str | os.PathLike[str] | None = None,
        *,
        extensions: Sequence[str] = DEFAULT_EXTENSIONS,
        show_hidden: bool = False,
        certificates_only: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.extensions = tuple(extension.lower() for extension in extensions)
        self.view = FolderView(show_hidden=show_hidden, certificates_only=certificates_only)
        self.folder = ""
        self.filter_open = False
        self._start = os.fspath(start_folder) if start_folder else ""
        self._generation = 0

    # Read-only views of the state, for screens and tests.
    @property
    def entries(self) -> list[Entry]:
        return self.view.entries

    @property
    def filter_text(self) -> str:
        return self.view.filter_text

    @property
    def reading(self) -> bool:
        """True until the whole folder has been read."""
        return self.view.reading

    @property
    def checking_contents(self) -> bool:
        """True while sizes, dates and certificate marks are still being read."""
        return self.view.checking_contents

    def compose(self) -> ComposeResult:
        yield PathBar()
        yield Static(id="filter")
        yield Static(id="notice")
        yield FileList(id="list")
        yield PathInput(id="goto", select_on_focus=False)
        yield Static(id="status")

    @property
    def file_list(self) -> FileList:
        return self.query_one(FileList)

    def on_mount(self) -> None:
        self.file_list.key_filter = self._key_filter
        self.file_list.focus()
        self.load(self._start or os.path.expanduser("~"))

    def focus(self, scroll_visible: bool = True) -> FileBrowser:
        """Focusing the browser focuses its list."""
        self.file_list.focus(scroll_visible)
        return self

    # ------------------------------------------------------------------ reading
    def load(self, folder: str | os.PathLike[str], select: str = "") -> None:
        """Show `folder` (for a file: its folder, cursor on it). Read in a thread."""
        target = os.path.abspath(os.path.expanduser(os.fspath(folder)))
        if not select and os.path.lexists(target) and not os.path.isdir(target):
            target, select = os.path.split(target)
        self._generation += 1
        self.folder = target
        self.view.reading = True
        self.view.set_entries([])
        self.file_list.set_rows([], empty_text="Reading…")
        self.view.filter_text, self.filter_open = "", False
        self.query_one(PathBar).show(home_relative(display_name(target)))
        self._show_filter()
        self._update_status()
        self._read_folder(target, self._generation, select)

    @work(
        thread=True,
        exclusive=True,
        group="file-browser-listing",
        description="file browser: read folder",
    )
    def _read_folder(self, folder: str, generation: int, select: str) -> None:
        def first_batch(entries: list[Entry]) -> None:
            partial = Listing(folder, entries)
            self.post_message(self._ListingRead(generation, partial, select, complete=False))

        listing = scan_folder(folder, self.extensions, first_batch=first_batch)
        if not get_current_worker().is_cancelled:
            self.post_message(self._ListingRead(generation, listing, select))

    @on(_ListingRead)
    def _listing_read(self, message: _ListingRead) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        listing = message.listing
        self.view.set_entries(listing.entries)
        if not message.complete:
            # The first rows of a large folder: show them, keep the cursor's entry, read on.
            self._refilter(keep=self.file_list.highlighted)
            return
        self.view.reading = False
        highlighted = self.file_list.highlighted
        select = message.select or (highlighted.name if highlighted else "")
        keep = next((entry for entry in self.view.entries if entry.name == select), None)
        if keep is not None and keep.name.startswith(".") and not self.view.show_hidden:
            self.view.show_hidden = True  # the officer asked for this entry; show it
        self._refilter(keep=keep)
        if listing.error:
            self.notify_inline(listing.error, error=True)
        elif len(self.view.entries) >= LARGE_FOLDER_ENTRIES:
            self.notify_inline(
                f"Large folder: {len(self.view.entries):,} entries. Type to filter by name.",
            )
        else:
            self.notify_inline("")
        if not listing.error:
            self.post_message(self.FolderChanged(self, Path(self.folder)))
        self.view.checking_contents = bool(self.view.entries)
        self._update_status()
        if self.view.entries:
            # After the first paint: the details thread competes for the GIL.
            self.call_after_refresh(
                self._read_details, self.folder, self.view.entries, message.generation
            )

    # A fixed description: by default Textual would repr() every argument, all 200,000 entries.
    @work(
        thread=True,
        exclusive=True,
        group="file-browser-details",
        description="file browser: sizes, dates, certificate marks",
    )
    def _read_details(self, folder: str, entries: list[Entry], generation: int) -> None:
        worker = get_current_worker()
        published = time.monotonic()
        for start in range(0, len(entries), DETAILS_CHUNK):
            if worker.is_cancelled:
                return
            fill_details(folder, entries[start : start + DETAILS_CHUNK])
            now = time.monotonic()
            if now - published >= DETAILS_PUBLISH_SECONDS:
                published = now
                self.post_message(self._DetailsRead(generation, finished=False))
        if not worker.is_cancelled:
            self.post_message(self._DetailsRead(generation, finished=True))

    @on(_DetailsRead)
    def _details_read(self, message: _DetailsRead) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self.view.checking_contents = not message.finished
        self.view.invalidate()  # certificate marks may have changed
        if self.view.certificates_only:
            self._refilter(keep=self.file_list.highlighted)
        else:
            self.file_list.refresh()
            self._update_status()

    # ------------------------------------------------------------------ showing
    def _refilter(self, keep: Entry | None = None) -> None:
        rows = self.view.apply()
        self.file_list.set_rows(rows, keep=keep, empty_text=self.view.empty_text())
        self._update_status()

    def _update_status(self) -> None:
        self.query_one("#status", Static).update(Text(self.view.status_text()))

    def _show_filter(self) -> None:
        line = self.query_one("#filter", Static)
        line.display = self.filter_open
        if self.filter_open:
            text = Text("Filter: ", style="bold")
            text.append(display_name(self.view.filter_text))
            text.append("▏", style="blink")
            text.append("  escape clears", style="dim")
            line.update(text)
        self.refresh_bindings()

    def notify_inline(self, message: str, *, error: bool = False) -> None:
        """Show (or with "" hide) a one-line message above the list."""
        notice = self.query_one("#notice", Static)
        notice.update(Text(message))
        notice.display = bool(message)
        notice.set_class(error, "-error")
        notice.set_class(not error, "-info")

    # ------------------------------------------------------------------ typing
    def _key_filter(self, event: events.Key) -> bool:
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
                f"{display_name(target)} does not exist. Check the path; tab completes names.",
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

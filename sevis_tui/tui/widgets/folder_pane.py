"""A folder, read and shown: the listing read in a thread, sizes, dates and content marks after.

The listing is read with `os.scandir` and shown at once; sizes, dates and a look at each file's
first bytes follow in a second thread, published a few times a second. Only visible rows are
drawn (see FileList). What the keys do is FileBrowser's (tui/widgets/file_browser.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from sevis_tui.folders.listing import Entry, Listing, display_name, fill_details, scan_folder
from sevis_tui.folders.view import FolderView
from sevis_tui.tui.key_order import KeyHold, hold_keys
from sevis_tui.tui.widgets.file_list import FileList
from sevis_tui.tui.widgets.key_line import bound_keys
from sevis_tui.tui.widgets.path_bar import PathBar, home_relative
from sevis_tui.tui.widgets.path_input import PathInput

# How long keys typed ahead wait for a folder's first rows.
FOLDER_HOLD_SECONDS = 3.0

DEFAULT_EXTENSIONS = (".cer", ".pem", ".crt", ".der", ".p7b", ".p7c", ".p12", ".pfx")
# Past this many entries, say so: the officer is better served by typing a filter.
LARGE_FOLDER_ENTRIES = 50_000
# Details (size, date, content mark) are published to the UI at most this often.
DETAILS_PUBLISH_SECONDS = 0.15
DETAILS_CHUNK = 256


class FolderPane(Vertical):
    """One folder's listing on screen; `folder_read()` is called once a folder is read."""

    DEFAULT_CSS = """
    FolderPane { height: 1fr; }
    FolderPane > #filter { height: 1; padding: 0 1; background: $boost; display: none; }
    FolderPane > #notice { height: auto; padding: 0 1; display: none; }
    FolderPane > #notice.-error { background: $error 25%; }
    FolderPane > #notice.-info { background: $primary 20%; }
    FolderPane > PathInput { display: none; }
    FolderPane > #status { height: 1; padding: 0 1; color: $foreground-muted; }
    """

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
        noun: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`noun`: what the files of `extensions` are called (e.g. "batch XML file"); then only
        their extension marks files. By default certificate files, marked by content too."""
        super().__init__(id=id, classes=classes)
        self.extensions = tuple(extension.lower() for extension in extensions)
        self.by_content = not noun
        self.view = FolderView(
            show_hidden=show_hidden,
            certificates_only=certificates_only,
            noun=noun or "certificate file",
        )
        self.folder = ""
        self.filter_open = False
        self._start = os.fspath(start_folder) if start_folder else ""
        self._generation = 0
        # Keys typed ahead (a filter, Enter on a file) wait for the folder's first rows.
        self._key_hold: KeyHold | None = None

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
        self.file_list.key_filter = self.list_key
        self.file_list.focus()
        self.load(self._start or os.path.expanduser("~"))

    def focus(self, scroll_visible: bool = True) -> FolderPane:
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
        if self._key_hold is not None:
            self._key_hold.release()
        # Not long: a folder on a mount that hangs must not hold Escape.
        self._key_hold = hold_keys(self, limit=FOLDER_HOLD_SECONDS)
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
        if self._key_hold is not None:
            self._key_hold.release()
            self._key_hold = None
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
            self.folder_read()
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
            fill_details(folder, entries[start : start + DETAILS_CHUNK], by_content=self.by_content)
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
        keys = self._keys()
        empty = self.view.empty_text(keys["all"], keys["hidden"])
        self.file_list.set_rows(rows, keep=keep, empty_text=empty)
        self._update_status()

    def _update_status(self) -> None:
        status = self.view.status_text(self._keys()["all"])
        self.query_one("#status", Static).update(Text(status))

    def _keys(self) -> dict[str, str]:
        """The keys that show all files and hidden ones, as bound now (the keymap may move
        them): what the status line and an empty list tell the officer to press."""
        bound = bound_keys(self.screen) if self.is_attached else {}
        return {
            "all": bound.get("file_browser.toggle_certificates", "ctrl+t"),
            "hidden": bound.get("file_browser.toggle_hidden", "."),
        }

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

    def list_key(self, event: events.Key) -> bool:
        """A key pressed on the list, before its bindings: True when it was used up here."""
        return False

    def folder_read(self) -> None:
        """A folder was read without error (FileBrowser says so to its screen)."""

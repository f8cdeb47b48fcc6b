"""The rows of the file browser, drawn with Textual's Line API: only visible rows are rendered."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sevis_tui.folders.listing import Entry, Kind
from sevis_tui.text import formats

# Below these widths the size and modified-date columns are left out.
SIZE_COLUMN_MIN_WIDTH = 44
DATE_COLUMN_MIN_WIDTH = 64
SIZE_WIDTH = 12
DATE_WIDTH = 18

CURSOR_MARK = "▶"

_KIND_LABELS = {
    Kind.FOLDER: "folder",
    Kind.BROKEN_LINK: "broken link",
    Kind.FIFO: "fifo",
    Kind.SOCKET: "socket",
    Kind.DEVICE: "device",
    Kind.OTHER: "special",
}


class FileList(ScrollView, can_focus=True, inherit_bindings=False):
    """A cursor over a list of entries. Keys are bound by the parent `FileBrowser`."""

    COMPONENT_CLASSES = {
        "file-list--cursor",
        "file-list--cursor-blurred",
        "file-list--folder",
        "file-list--certificate",
        "file-list--special",
        "file-list--muted",
        "file-list--empty",
    }

    DEFAULT_CSS = """
    FileList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    FileList > .file-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    FileList > .file-list--cursor-blurred {
        background: $block-cursor-blurred-background;
    }
    FileList > .file-list--folder { color: $text-accent; text-style: bold; }
    FileList > .file-list--certificate { color: $text-success; }
    FileList > .file-list--special { color: $text-warning; }
    FileList > .file-list--muted { color: $foreground-muted; }
    FileList > .file-list--empty { color: $foreground-muted; text-style: italic; }
    """

    class CursorMoved(Message):
        """The cursor now rests on `entry` (None: the list is empty)."""

        def __init__(self, entry: Entry | None) -> None:
            super().__init__()
            self.entry = entry

    class Activated(Message):
        """The officer double-clicked a row."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Entry] = []
        self.cursor = 0
        self.empty_text = ""
        # Set by FileBrowser: gets printable keys first (filter as you type).
        self.key_filter: Callable[[events.Key], bool] | None = None
        self._last_reported: Entry | None = None

    # ------------------------------------------------------------------ data
    @property
    def highlighted(self) -> Entry | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_rows(self, rows: list[Entry], keep: Entry | None = None, empty_text: str = "") -> None:
        """Show `rows`, with the cursor on `keep` if it is among them, else on the first row."""
        self.rows = rows
        self.empty_text = empty_text
        cursor = 0
        if keep is not None:
            try:
                cursor = rows.index(keep)
            except ValueError:
                cursor = 0
        self.virtual_size = Size(self.size.width, len(rows))
        self.cursor = cursor
        self._scroll_cursor_into_view(center=True)
        self.refresh()
        self._report_cursor()

    def move_cursor(self, delta: int) -> None:
        self.set_cursor(self.cursor + delta)

    def set_cursor(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        if row == self.cursor:
            return
        previous, self.cursor = self.cursor, row
        self.refresh_line(previous)
        self.refresh_line(row)
        self._scroll_cursor_into_view()
        self._report_cursor()

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = self.page_height
        top = round(self.scroll_y)
        if self.cursor < top or self.cursor >= top + height:
            target = (
                self.cursor - height // 2
                if center
                else (self.cursor if self.cursor < top else self.cursor - height + 1)
            )
            self.scroll_to(y=max(0, target), animate=False, immediate=True)

    def _report_cursor(self) -> None:
        entry = self.highlighted
        if entry is not self._last_reported:
            self._last_reported = entry
            self.post_message(self.CursorMoved(entry))

    # ------------------------------------------------------------------ events
    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))
        self._scroll_cursor_into_view()

    def on_key(self, event: events.Key) -> None:
        if self.key_filter is not None and self.key_filter(event):
            event.stop()
            event.prevent_default()

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y
        if 0 <= row < len(self.rows):
            self.set_cursor(row)
            if event.chain >= 2:
                self.post_message(self.Activated(self.rows[row]))

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    # ------------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = round(self.scroll_y) + y
        if not self.rows:
            if y == 0 and self.empty_text:
                style = base + self.get_component_rich_style("file-list--empty", partial=True)
                return Strip([Segment(" " + self.empty_text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if row >= len(self.rows):
            return Strip.blank(width, base)
        at_cursor = row == self.cursor
        strip = self._render_row(self.rows[row], width, base, at_cursor)
        if at_cursor:
            cursor_class = "file-list--cursor" if self.has_focus else "file-list--cursor-blurred"
            cursor = self.get_component_rich_style(cursor_class, partial=True)
            # Over each segment's own colours (Strip.apply_style would put it under them, and
            # the row's background would hide the cursor's).
            strip = Strip(
                [
                    Segment(text, (style or base) + cursor, control)
                    for text, style, control in strip
                ],
                strip.cell_length,
            )
        return strip

    def _render_row(self, entry: Entry, width: int, base: Style, at_cursor: bool) -> Strip:
        partial = self.get_component_rich_style
        muted = base + partial("file-list--muted", partial=True)
        if entry.kind is Kind.FOLDER:
            name_style = base + partial("file-list--folder", partial=True)
        elif entry.kind is Kind.FILE:
            name_style = base
            if entry.cert_like:
                name_style = base + partial("file-list--certificate", partial=True)
        else:
            name_style = base + partial("file-list--special", partial=True)

        show_size = width >= SIZE_COLUMN_MIN_WIDTH
        show_date = width >= DATE_COLUMN_MIN_WIDTH
        right = (SIZE_WIDTH if show_size else 0) + (DATE_WIDTH if show_date else 0)

        mark = "◆ " if entry.cert_like else "  "
        name = entry.label
        if entry.kind is Kind.FOLDER:
            name += "/"
        if entry.is_link:
            name += " →"
        if not show_size and entry.kind not in (Kind.FILE, Kind.FOLDER):
            name += f" ({_KIND_LABELS[entry.kind]})"
        room = max(1, width - 1 - len(mark) - right)
        if cell_len(name) > room:
            name = set_cell_size(name, room - 1) + "…"
        # The marker shows the cursor row without colour too (16 colours, NO_COLOR).
        segments = [
            Segment((CURSOR_MARK if at_cursor else " ") + mark, name_style),
            Segment(name, name_style),
            Segment(" " * max(0, room - cell_len(name)), base),
        ]
        if show_size:
            segments.append(Segment(self._size_text(entry).rjust(SIZE_WIDTH), muted))
        if show_date:
            date = formats.file_time(entry.mtime) if entry.mtime is not None else ""
            segments.append(Segment(("  " + date).ljust(DATE_WIDTH), muted))
        return Strip(segments).crop_extend(0, width, base)

    @staticmethod
    def _size_text(entry: Entry) -> str:
        if entry.kind is Kind.FILE:
            if entry.size is not None:
                return formats.size(entry.size)
            return entry.error[: SIZE_WIDTH - 1]
        return _KIND_LABELS[entry.kind]

"""A table whose cursor row is marked with ▶ in its first cell, as the file browser's is: the
highlight alone is a colour, which 16 colours and NO_COLOR do not show (the cursor row then
looks like the header)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import DataTable

from sevis_tui.tui.widgets.file_list import CURSOR_MARK


class MarkedTable(DataTable[object]):
    """A row-cursor DataTable that draws CURSOR_MARK in the left padding of the cursor row's
    first line (the padding is a blank cell: nothing is covered)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.cursor_type != "row" or not self.row_count or self.cell_padding < 1:
            return strip
        header = self.header_height if self.show_header else 0
        if y < header:
            return strip
        line = y - header + round(self.scroll_offset.y)
        if line != self._first_line_of(self.cursor_row) or not strip.cell_length:
            return strip
        first = next(iter(strip), None)
        style = first.style if first is not None else None
        return Strip([Segment(CURSOR_MARK, style), *strip.crop(1)], strip.cell_length)

    def _first_line_of(self, row: int) -> int:
        """The line (from the first row's top) where the row at index `row` starts."""
        return sum(item.height for item in self.ordered_rows[:row])

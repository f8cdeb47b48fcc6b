"""The results of one certificate registered for several programs: one row per program
(program, outcome, what to do), filled in as each program finishes."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import DataTable

from sevis_tui.workflows.multi_register import Outcome, ProgramResult

NUMBER_WIDTH = 9  # "P-1-00001"
# Cell padding (one column each side of three columns) and the vertical scroll bar.
CHROME = 3 * 2 + 2
MARKS = {
    Outcome.REGISTERED: ("✓", "bold green"),
    Outcome.ALREADY: ("✓", "green"),
    Outcome.REFUSED: ("✗", "bold red"),
    Outcome.FAILED: ("!", "bold yellow"),
    Outcome.NOT_SENT: ("·", "dim"),
    Outcome.PENDING: ("·", "dim"),
}
WORKING = ("…", "bold")


def outcome_words(result: ProgramResult) -> str:
    """The outcome column: short, the confirmation number first where there is one."""
    if result.outcome == Outcome.REGISTERED and result.confirmation is not None:
        return f"registered {result.confirmation.number}"
    if result.outcome == Outcome.ALREADY and result.already is not None:
        return f"already registered {result.already.confirmation}"
    if result.outcome in (Outcome.REFUSED, Outcome.FAILED) and result.error is not None:
        return f"{result.outcome}: {result.error.message}"
    return "not sent"


def _two_lines(text: str, width: int) -> str:
    """`text` in at most two lines of `width` cells, cut with … when longer."""
    import textwrap

    lines = textwrap.wrap(text, max(width, 4), break_on_hyphens=False) or [""]
    if len(lines) > 2:
        second = " ".join(lines[1:])
        lines = [lines[0], set_cell_size(second, width - 1) + "…"]
    return "\n".join(line if cell_len(line) <= width else line[:width] for line in lines)


class ProgramOutcomes(DataTable[Text]):
    """Rows keyed by program number; `show(result)` adds or updates one."""

    DEFAULT_CSS = """
    ProgramOutcomes { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        outcome, what = self._widths()
        self.add_column("Program", key="program", width=NUMBER_WIDTH)
        self.add_column("Outcome", key="outcome", width=outcome)
        self.add_column("What to do", key="what", width=what)

    def _widths(self) -> tuple[int, int]:
        rest = max(20, (self.app.size.width or 80) - NUMBER_WIDTH - CHROME)
        outcome = max(12, rest * 11 // 20)
        return outcome, rest - outcome

    def show(self, result: ProgramResult, *, working: bool = False) -> None:
        outcome_width, what_width = self._widths()
        mark, style = WORKING if working else MARKS[result.outcome]
        words = "sending…" if working else outcome_words(result)
        cells = (
            Text(f"{result.number}\n{mark}", style=style),
            Text(_two_lines(words, outcome_width)),
            Text(_two_lines("" if working else result.what_to_do(), what_width), style="dim"),
        )
        key = result.number
        if key in self.rows:
            for column, cell in zip(("program", "outcome", "what"), cells, strict=True):
                self.update_cell(key, column, cell)
        else:
            self.add_row(*cells, key=key, height=2)
        if working:
            self.move_cursor(row=self.get_row_index(key))

    def highlighted_number(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

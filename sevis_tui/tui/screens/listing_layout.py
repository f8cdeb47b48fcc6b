"""How the Listing of Programs fits its columns into the terminal's width, and what its cells,
its filter and its sort read from a program. No Textual.

At 80 columns and more, Status and Batch certificate take one line each; narrower, they take the
row's two lines so the name keeps its room. Names too long for their column keep the words that
tell programs apart: "Northfield University Research Scholar Program" and "Northfield University
Student Exchange" read "NU Research Scholar…" and "NU Student Exchange", not "Northfield Univ…"
twice.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from sevis_tui.contract import ProgramSummary
from sevis_tui.workflows.renewal import program_days_left

NUMBER_WIDTH = 9  # "P-1-00001"
# Cell padding (one column each side of four columns) and the vertical scroll bar.
CHROME = 4 * 2 + 2
STACK_BELOW = 80
MIN_NAME_WIDTH = 12


@dataclass(frozen=True)
class Columns:
    status: int
    batch: int
    name: int
    stacked: bool  # Status and Batch over two lines

    @property
    def labels(self) -> tuple[str, str, str, str]:
        if self.stacked:
            return ("Program", "Name / Location", "Status", "Batch")
        return ("Program", "Name of Program / Location", "Status", "Batch certificate")


def columns_for(width: int) -> Columns:
    if width >= STACK_BELOW:
        status, batch, stacked = 14, 18, False  # "PROGRAM ACTIVE", "expires in 12 days"
    else:
        status, batch, stacked = 8, 10, True  # "PROGRAM" / "ACTIVE", "expires" / "2027-03-01"
    name = max(MIN_NAME_WIDTH, width - NUMBER_WIDTH - status - batch - CHROME)
    return Columns(status, batch, name, stacked)


def two_lines(cell: Text, width: int) -> Text:
    """The cell's words over at most two lines of `width`, keeping its style."""
    lines = textwrap.wrap(cell.plain, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return Text("\n".join(line[:width] for line in lines), style=cell.style)


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


def _shared_words(names: list[str]) -> int:
    """How many leading words every one of `names` has in common."""
    split = [name.split() for name in names]
    count = 0
    for words in zip(*split, strict=False):
        if len(set(words)) != 1:
            break
        count += 1
    return count


def distinct_names(names: list[str], width: int) -> dict[str, str]:
    """Each name as shown in `width` cells, so that names cut alike still read apart."""
    shown = {name: _cut(name, width) for name in names}
    alike: dict[str, list[str]] = {}
    for name, cut in shown.items():
        if cut != name:
            alike.setdefault(cut, []).append(name)
    for group in alike.values():
        if len(group) < 2:
            continue
        shared = _shared_words(group)
        for name in group:
            words = name.split()
            if shared == 0 or shared >= len(words):
                continue
            initials = "".join(word[0] for word in words[:shared])
            shown[name] = _cut(" ".join([initials, *words[shared:]]), width)
    return shown


def batch_cell(program: ProgramSummary, warning_days: int, now: datetime) -> Text:
    """'none', '312 days left', '! 12 days left' (under the warning days) or '! expired'.

    The "!" says it without colour (16 colours, NO_COLOR); the colour repeats it.
    """
    days = program_days_left(program, now)
    if days is None:
        return Text("none", style="dim")
    if days < 0:
        return Text("! expired", style="bold red")
    if days < warning_days:
        return Text(f"! {days} day{'s' * (days != 1)} left", style="bold yellow")
    return Text(f"{days} days left", style="green")


def haystack(program: ProgramSummary) -> str:
    fields = (program.number, program.name, program.city, program.state, program.status)
    return " ".join((*fields, program.role)).lower()


def sort_value(program: ProgramSummary, key: str) -> str:
    if key == "batch":
        expires = program.batch.expires
        return expires.isoformat() if program.batch.registered and expires else "~"
    return str(getattr(program, key)).lower()

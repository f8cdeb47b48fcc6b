"""Listing of Programs: every program where the officer is RO or ARO, with its batch certificate."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from sevis_tui.api.errors import SevisError
from sevis_tui.contract import ProgramSummary
from sevis_tui.text.formats import counted
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.listing_layout import (
    NUMBER_WIDTH,
    batch_cell,
    columns_for,
    distinct_names,
    haystack,
    sort_value,
    two_lines,
)
from sevis_tui.tui.screens.outcomes import LoggedOut, ProgramChosen, ProgramsMarked
from sevis_tui.tui.screens.program_marks import Marks
from sevis_tui.tui.widgets.key_line import KeyLine, bound_keys
from sevis_tui.tui.widgets.marked_table import MarkedTable
from sevis_tui.tui.widgets.type_to_filter import types_into_filter
from sevis_tui.workflows.renewal import Expiring, expiring, notice

# Each program takes two lines so that every column fits: number over role, name over city and
# state (listing_layout.py fits them to the width). Sorting still goes by each of the seven fields.
COLUMN_KEYS = ("number", "name", "status", "batch")
SORT_FIELDS = (
    ("number", "Program"),
    ("name", "Name of Program"),
    ("city", "City"),
    ("state", "State"),
    ("status", "Status"),
    ("role", "Role"),
    ("batch", "Batch certificate"),
)


class ProgramsScreen(SevisScreen):
    LOCATION = "Listing of Programs"
    RETRY_HINT = "Ctrl+R: try again"
    HELP = """
# Listing of Programs

The programs where you are the Responsible Officer (RO) or an Alternate RO (ARO), with the state of
each program's batch certificate.

- **Type** to filter by any column: letters and digits always go to the filter, from the first
  one, so typing `studen` finds the Student program. {key:programs.clear_filter} clears the filter.
- {key:programs.sort} changes the column the list is sorted by; {key:programs.reverse} reverses
  the order.
- {key:programs.open} opens the program's *Program Sponsor Information*.
- {key:programs.mark} marks (or unmarks) the program, to register one certificate for several
  programs in one pass; {key:programs.mark_all} marks all the programs shown (again: unmarks
  them). Only active programs where you are RO or ARO can be marked.
  {key:programs.register_marked} then registers for the marked programs: the agreement once, the
  file once, one registration per program.
- {key:programs.reload} reloads the list. {key:screen.back} with no filter logs you out.

The Batch certificate column says how many days each registered certificate has left; one that
expires within the warning days (`[certificates] expiry_warning_days`, 30 by default) is marked
**!** and highlighted, and a notice under the title names every program it is registered for.

- {key:programs.renew} (Renew) registers your renewed certificate for every program that holds
  the expiring one (of the one under the cursor, if it holds one), in one pass: the agreement
  once, accepted for each; the renewed file chosen once; the confirmation says what each program
  replaces; then one upload per program and a table of what happened. A renewed certificate must
  be registered for each program before its first batch.
"""

    BINDINGS = [
        Binding("enter", "open_program", "Open", id="programs.open", show=True),
        # Not letters: on a list, letters and digits always filter (tui/widgets/type_to_filter.py).
        # Marking first: once programs are marked, registering them is the next step.
        Binding("ctrl+g", "register_marked", "Register marked", id="programs.register_marked"),
        Binding("space", "mark", "Mark", id="programs.mark"),
        Binding("ctrl+a", "mark_all", "Mark all shown", id="programs.mark_all", show=False),
        Binding("ctrl+s", "sort", "Sort", id="programs.sort"),
        Binding("ctrl+d", "sort(True)", "Reverse", id="programs.reverse", show=False),
        Binding("ctrl+r", "reload", "Reload", id="programs.reload"),
        Binding("ctrl+n", "renew", "Renew", id="programs.renew"),
        Binding("escape", "clear_filter", "Clear filter", id="programs.clear_filter"),
        Binding("escape", "back", "Log out", id="screen.back"),
    ]

    DEFAULT_CSS = """
    ProgramsScreen #filter { margin: 0 1; height: 3; }
    ProgramsScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.programs: list[ProgramSummary] = []
        self.sort_index = 0
        self.sort_reverse = False
        self.marks = Marks()

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Input(placeholder="Type to filter programs", id="filter")
        yield MarkedTable(id="programs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="counts", classes="hint")
        yield KeyLine()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in zip(COLUMN_KEYS, columns_for(self.size.width).labels, strict=True):
            table.add_column(label, key=key)
        self._fit_columns()
        table.focus()
        self.load()

    def palette_commands(self) -> list[PaletteCommand]:
        renew: list[PaletteCommand] = []
        if self.expiring():
            renew.append(
                (
                    "Renew: register the renewed certificate",
                    "For the programs that hold the expiring one, one at a time (Ctrl+N)",
                    self.action_renew,
                )
            )
        return [
            *renew,
            ("Reload the list of programs", "Ask the service again", self.action_reload),
            ("Sort programs by the next column", "Cycle the sort column", self.action_sort),
            (
                f"Register for batch processing ({counted(len(self.marks), 'program')})",
                "One certificate for the marked programs: Space marks, Ctrl+A marks all",
                self.action_register_marked,
            ),
            ("Log out", "End the session and return to the login screen", self.action_back),
        ]

    # ------------------------------------------------------------------ loading

    def load(self) -> None:
        self.request(lambda client: client.programs(), self.show, group="programs", retry=self.load)

    def show(self, programs: list[ProgramSummary]) -> None:
        self.programs = programs
        self.marks.keep_only(programs)
        self.message.clear()
        if not self.programs:
            self.message.show(
                "You are not an RO or ARO of any program.",
                "Ask your program's RO to add you as an official.",
                tone="info",
            )
        items = self.expiring()
        if items:
            # The renewal notice: every program whose certificate is near its end.
            renew_key = bound_keys(self).get("programs.renew", "Renew")
            self.message.show(*notice(items, renew_key), tone="warning")
        self.refill()
        self.refresh_bindings()  # Renew appears only when there is something to renew

    def expiring(self) -> list[Expiring]:
        """The registered certificates to renew, with the active programs holding each."""
        days = self.sevis.settings.certificates.expiry_warning_days
        return expiring(self.programs, self.sevis.clock(), days)

    # ------------------------------------------------------------------ showing

    def refill(self) -> None:
        table = self.query_one(DataTable)
        cursor_key = self._cursor_number()
        table.clear()
        needle = self.query_one("#filter", Input).value.strip().lower()
        now = self.sevis.clock()
        days = self.sevis.settings.certificates.expiry_warning_days
        rows = [p for p in self.programs if not needle or needle in haystack(p)]
        field, _ = SORT_FIELDS[self.sort_index]
        rows.sort(key=lambda p: sort_value(p, field), reverse=self.sort_reverse)
        layout = columns_for(self.size.width)
        names = distinct_names([p.name for p in self.programs], layout.name)
        for program in rows:
            status = Text(program.status)
            batch = batch_cell(program, days, now)
            if layout.stacked:
                status, batch = two_lines(status, layout.status), two_lines(batch, layout.batch)
            marked = program.number in self.marks
            table.add_row(
                Text(f"{program.number}\n{program.role}{'  ✓' if marked else ''}"),
                Text(names[program.name], no_wrap=True)
                + Text(f"\n{program.city}, {program.state}", style="dim"),
                status,
                batch,
                key=program.number,
                height=2,
            )
        if cursor_key is not None and cursor_key in {p.number for p in rows}:
            table.move_cursor(row=table.get_row_index(cursor_key))
        arrow = "↓" if self.sort_reverse else "↑"
        sorted_by = SORT_FIELDS[self.sort_index][1]
        shown = (
            f"{len(rows)} of {counted(len(self.programs), 'program')}"
            f" · sorted by {sorted_by} {arrow} · Enter opens"
        )
        if self.marks:
            shown += f" · {len(self.marks)} marked"
        self.query_one("#counts", Static).update(shown)

    def _fit_columns(self) -> None:
        layout = columns_for(self.size.width)
        widths = (NUMBER_WIDTH, layout.name, layout.status, layout.batch)
        table = self.query_one(DataTable)
        for key, label, width in zip(COLUMN_KEYS, layout.labels, widths, strict=True):
            column = table.columns[ColumnKey(key)]
            column.label = Text(label)
            column.width = width
            column.auto_width = False
        table.refresh()

    def on_resize(self) -> None:
        if self.is_mounted and self.programs:
            self._fit_columns()
            self.refill()

    def _cursor_number(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refill()
        self.refresh_bindings()  # Escape: Clear filter, or Log out

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def on_key(self, event: Key) -> None:
        # Typing while the list has focus goes into the filter (the rule for every list).
        table = self.query_one(DataTable)
        field = self.query_one("#filter", Input)
        if table.has_focus and types_into_filter(
            event, filtering=bool(field.value), bound=self.active_bindings.__contains__
        ):
            field.value += event.character or ""
            field.cursor_position = len(field.value)
            event.stop()

    # ------------------------------------------------------------------ actions

    def action_sort(self, reverse: bool = False) -> None:
        if reverse:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_index = (self.sort_index + 1) % len(SORT_FIELDS)
            self.sort_reverse = False
        self.refill()

    def action_reload(self) -> None:
        self.reload("Loading programs…")  # Ctrl+R is also this screen's "try again"

    def action_open_program(self) -> None:
        number = self._cursor_number()
        if number is None:
            return
        self.load_again_on_return()  # the program's batch registration may change there
        self.post_message(ProgramChosen(number))

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_program()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.query_one("#filter", Input).value)
        if action == "register_marked":
            return bool(self.marks)
        if action == "renew":
            return bool(self.expiring())
        return True

    # ------------------------------------------------------------------ marking

    def _shown(self) -> list[ProgramSummary]:
        table = self.query_one(DataTable)
        by_number = {program.number: program for program in self.programs}
        return [by_number[str(row.key.value)] for row in table.ordered_rows]

    def action_mark(self) -> None:
        number = self._cursor_number()
        program = next((p for p in self.programs if p.number == number), None)
        if program is None:
            return
        reason = self.marks.toggle(program)
        if reason:
            self.message.show(reason, "Mark another program.", tone="info")
            return
        self.message.clear()
        table = self.query_one(DataTable)
        row = table.cursor_row
        self._marks_changed()
        table.move_cursor(row=min(row + 1, table.row_count - 1))  # on to the next, as in lists

    def action_mark_all(self) -> None:
        _marked, cannot = self.marks.mark_all(self._shown())
        if cannot:
            self.message.show(
                f"{cannot} of the programs shown cannot be marked: only active programs where "
                "you are RO or ARO register.",
                tone="info",
            )
        else:
            self.message.clear()
        self._marks_changed()

    def _marks_changed(self) -> None:
        self.refill()
        self.refresh_bindings()

    def clear_marks(self) -> None:
        self.marks.clear()
        self._marks_changed()

    def action_register_marked(self) -> None:
        targets = self.marks.targets(self.programs)
        if not targets:
            return
        self.load_again_on_return()  # registrations change there
        self.post_message(ProgramsMarked(targets))

    def action_renew(self) -> None:
        from sevis_tui.tui.screens.renew import start_renewal

        items = self.expiring()
        if items and start_renewal(self, items, self._cursor_number()):
            self.load_again_on_return()  # registrations change there

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        if self.query_one("#filter", Input).value:
            self.action_clear_filter()
            return
        self.app.push_screen(ConfirmDialog("Log out of SEVIS?", yes="Log out"), self._log_out)

    def _log_out(self, confirmed: bool | None) -> None:
        if confirmed:
            self.log_out()

    @work(exclusive=True, group="logout")
    async def log_out(self) -> None:
        client = self.sevis.client
        if client is not None:
            # If the service cannot be told, the session still ends there after 20 idle minutes.
            with contextlib.suppress(SevisError):
                await client.logout()
        self.sevis.logged_out()
        self.post_message(LoggedOut())

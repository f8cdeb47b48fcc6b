"""Program Sponsor Information: the program, its officials, its batch registration, Actions."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sevis_tui.cert.text_report import printable
from sevis_tui.contract import ProgramDetail
from sevis_tui.text import formats
from sevis_tui.tui.dialogs.actions_menu import ActionsMenu, MenuItem
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import (
    BatchAccessWanted,
    BatchStatusWanted,
    RegistrationChosen,
    SendBatchWanted,
)
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.tui.widgets.report_view import field_grid

REGISTER = "Register for Batch Processing"
VIEW = "View Batch Registration"
CHECK = "Check Batch Access"
SEND = "Send a Batch File"


class SponsorScreen(SevisScreen):
    LOCATION = "Program Sponsor Information"
    HELP = """
# Program Sponsor Information

The program's details as SEVIS holds them, its officials, and its current batch certificate.

- {key:sponsor.actions} opens the **Actions** menu. Choose **Register for Batch Processing** to
  register a certificate for this program (each program needs its own registration, even when
  you use the same certificate for several).
- {key:sponsor.view} shows the batch registration and its history.
- **Check Batch Access** (on the Actions menu, or {key:sponsor.check}) checks, before the first
  batch, that your PKCS#12 key, its certificate and your user ID will be accepted by the batch
  interface.
- **Send a Batch File** (on the Actions menu) uploads a batch XML file, checked offline first,
  and shows each record's result.
- {key:sponsor.reload} reloads. {key:screen.back} returns to the Listing of Programs.

Other SEVIS actions (Amendment, Redesignation, …) are listed but not handled by this tool: use the
SEVIS web interface for them.
"""

    BINDINGS = [
        Binding("a", "actions", "Actions", id="sponsor.actions"),
        Binding("v", "view_batch", "Batch registration", id="sponsor.view"),
        Binding("c", "check_access", "Check batch access", id="sponsor.check"),
        Binding("r", "reload", "Reload", id="sponsor.reload"),
    ]

    DEFAULT_CSS = """
    SponsorScreen #details { height: 1fr; padding: 0 1; }
    SponsorScreen .block { margin-bottom: 1; }
    """

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.program: ProgramDetail | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="details", classes="pane"):
            yield Static(Text(f"Loading {self.number}…"), id="summary", classes="block")
            yield Static(id="officials", classes="block")
            yield Static(id="batch", classes="block")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#details").focus()
        self.load()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (REGISTER, "Accept the agreement and upload a certificate", self.register),
            ("Open the Actions menu", "All SEVIS actions for this program", self.action_actions),
            (VIEW, "Current batch certificate and history", self.action_view_batch),
            (CHECK, "Will this key and user ID be accepted?", self.action_check_access),
            (SEND, "Upload a batch XML file and read its results", self.send_batch),
        ]

    def load(self) -> None:
        number = self.number
        self.request(lambda c: c.program(number), self.show, group="program", retry=self.load)

    def show(self, program: ProgramDetail) -> None:
        self.message.clear()
        self.program = program
        self.refresh_bindings()
        summary = field_grid(
            [
                ("Program", f"{program.number}  {program.name}"),
                ("Sponsor", program.sponsor),
                ("Address", program.address.one_line()),
                ("Status", program.status),
                ("Designation", designation_line(program)),
                ("Your role", program.role),
            ]
        )
        self.query_one("#summary", Static).update(summary)

        officials = Table(title="Officials", title_justify="left", box=None, padding=(0, 2, 0, 0))
        officials.add_column("Role", no_wrap=True)
        officials.add_column("Name")
        officials.add_column("User ID", no_wrap=True)
        for official in program.officials:
            officials.add_row(official.role, Text(official.name), official.user_id)
        self.query_one("#officials", Static).update(officials)
        self.query_one("#batch", Static).update(batch_summary(program))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"actions", "view_batch", "check_access"}:
            # Dimmed until the program has loaded.
            return True if self.program is not None else None
        return True

    def why_not(self, action: str) -> str:
        if action in {"actions", "view_batch", "check_access"}:
            if self.has_retry:
                return "The program could not be loaded: press r to try again."
            return "The program is still loading: press the key again in a moment."
        return ""

    def action_reload(self) -> None:
        self.reload()  # r is also this screen's "try again"

    def action_actions(self) -> None:
        if self.program is None:
            return
        items = [MenuItem(a.name, a.enabled, a.reason, a.menu) for a in self.program.actions]
        if not any(item.name == VIEW for item in items):
            # Our own addition to SEVIS's menu: read-only, so always available.
            position = next((i + 1 for i, x in enumerate(items) if x.name == REGISTER), len(items))
            items.insert(position, MenuItem(VIEW, True))
            items.insert(position + 1, MenuItem(CHECK, True))
            items.insert(position + 2, MenuItem(SEND, True))
        self.app.push_screen(ActionsMenu(f"Actions · {self.program.number}", items), self._chosen)

    def _chosen(self, name: str | None) -> None:
        if name == REGISTER:
            self.register()
        elif name == VIEW:
            self.action_view_batch()
        elif name == CHECK:
            self.action_check_access()
        elif name == SEND:
            self.send_batch()

    def register(self) -> None:
        if self.program is None:
            return
        self.load_again_on_return()  # the registration may be new
        program = self.program
        self.post_message(RegistrationChosen(program.number, program.name, program.batch))

    def action_view_batch(self) -> None:
        name = self.program.name if self.program is not None else ""
        self.post_message(BatchStatusWanted(self.number, name))

    def action_check_access(self) -> None:
        if self.program is None:
            return
        self.post_message(BatchAccessWanted(self.number, self.program.name))

    def send_batch(self) -> None:
        if self.program is not None:
            self.post_message(SendBatchWanted(self.number, self.program.name))


def designation_line(program: ProgramDetail) -> str:
    designation = program.designation
    categories = ", ".join(designation.categories) or "no categories"
    valid = f"{formats.day(designation.valid_from)} to {formats.day(designation.valid_to)}"
    return f"{categories} ({valid})"


def batch_summary(program: ProgramDetail) -> Text:
    text = Text("Batch registration\n", style="bold")
    current = program.batch
    if not current.registered:
        text.append("No certificate is registered for batch processing.\n")
        text.append("Press a, then choose Register for Batch Processing.", style="dim")
        return text
    rows = [("Certificate", current.subject or "(unknown)")]
    if current.expires is not None:
        rows.append(("Expires", formats.day(current.expires)))
    if current.registered_at is not None:
        rows.append(("Registered", formats.minute_utc(current.registered_at)))
    if current.confirmation:
        rows.append(("Confirmation", current.confirmation))
    # Not field_grid: its wider label column would move these values one column right.
    for label, value in rows:
        text.append(f"{label:<13}", style="bold")
        text.append(f"{printable(value)}\n")
    return text

"""View Batch Registration: the program's current certificate and every earlier registration."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sevis_tui.cert.text_report import printable
from sevis_tui.contract import BatchStatus
from sevis_tui.text import formats
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import BatchAccessWanted
from sevis_tui.tui.widgets.key_line import KeyLine


class BatchStatusScreen(SevisScreen):
    LOCATION = "View Batch Registration"
    HELP = """
# View Batch Registration

The certificate currently registered for batch processing for this program, and the history of
earlier registrations (a new registration replaces the current one; the old one is kept here).

- **c** checks batch access: that your PKCS#12 key, its certificate and your user ID will be
  accepted by the batch interface (before the first batch).
- {key:batch.reload} reloads. {key:screen.back} returns to Program Sponsor Information.
"""

    BINDINGS = [
        Binding("c", "check_access", "Check batch access", id="batch.check"),
        Binding("r", "reload", "Reload", id="batch.reload"),
    ]

    DEFAULT_CSS = """
    BatchStatusScreen #status { height: 1fr; padding: 0 1; }
    """

    def __init__(self, number: str, program_name: str = "") -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="status", classes="pane"):
            yield Static(Text(f"Loading {self.number}…"), id="current")
            yield Static(id="history")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#status").focus()
        self.load()

    def load(self) -> None:
        number = self.number
        self.request(lambda c: c.batch_status(number), self.show, group="batch", retry=self.load)

    def show(self, status: BatchStatus) -> None:
        self.message.clear()
        current = Text(f"{self.number}: current batch certificate\n", style="bold")
        if status.current is None:
            current.append("None registered.\n")
        else:
            reg = status.current
            cert = reg.certificate
            # Not field_grid: its wider label column would move these values one column right.
            for label, value in (
                ("Certificate", cert.subject),
                ("Issuer", cert.issuer),
                ("Expires", formats.day(cert.not_after)),
                ("SHA-256", cert.sha256),
                ("Registered", f"{formats.minute_utc(reg.time)} by {reg.user_id}"),
                ("Confirmation", reg.confirmation),
            ):
                current.append(f"{label:<13}", style="bold")
                current.append(f"{printable(value)}\n")
        self.query_one("#current", Static).update(current)
        history = Table(title="History", title_justify="left", expand=True, box=None)
        for column in ("Registered", "By", "Certificate", "Expires", "Confirmation"):
            history.add_column(column)
        for reg in status.history:
            history.add_row(
                formats.day(reg.time),
                reg.user_id,
                Text(reg.certificate.subject),
                formats.day(reg.certificate.not_after),
                reg.confirmation,
            )
        self.query_one("#history", Static).update(history)

    def action_reload(self) -> None:
        self.reload()  # r is also this screen's "try again"

    def action_check_access(self) -> None:
        self.post_message(BatchAccessWanted(self.number, self.program_name))

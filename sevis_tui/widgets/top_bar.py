"""The two lines at the top of every screen: where the officer is, and who is logged in."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class TopBar(Vertical):
    """`sevis-tui › Listing of Programs`, then the logged-in user's 45-day reminder."""

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: auto;
        background: $primary-background;
    }
    TopBar > #where {
        width: 1fr;
        height: 1;
        text-style: bold;
        color: $text;
        background: $primary;
        padding: 0 1;
    }
    TopBar > #who {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        yield Static(id="who")

    def on_mount(self) -> None:
        self.watch(self.app, "session_line", self._show_session, init=True)

    def _show_session(self, line: str) -> None:
        where = Text.assemble(("sevis-tui", "bold"), " › ", self.location)
        self.query_one("#where", Static).update(where)
        who = self.query_one("#who", Static)
        who.update(Text(line))
        who.display = bool(line)

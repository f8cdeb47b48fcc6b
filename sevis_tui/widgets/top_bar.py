"""The two lines at the top of every screen: where the officer is, and who is logged in."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TopBar(Static):
    """`sevis-tui › Listing of Programs`, then the logged-in user's 45-day reminder.

    One widget for both lines: it is on every screen, so it should cost little to mount.
    """

    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: auto;
        background: $primary-background;
        color: $text-muted;
    }
    """

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location

    def on_mount(self) -> None:
        self.watch(self.app, "session_line", self._show, init=True)
        self.watch(self.app, "theme", lambda _: self._show(self._session_line()), init=False)

    def _session_line(self) -> str:
        return str(getattr(self.app, "session_line", ""))

    def _show(self, line: str) -> None:
        primary = self.app.theme_variables.get("primary", "")
        bar = f"bold on {primary}" if primary.startswith("#") else "reverse"
        where = Text.assemble(" ", ("sevis-tui", "bold"), " › ", (self.location, "bold"))
        where.append(" " * 200)  # fill the line; the widget crops it
        where.stylize(bar)
        text = Text(no_wrap=True, overflow="crop")
        text.append_text(where)
        if line:
            text.append("\n " + line)
        self.update(text)

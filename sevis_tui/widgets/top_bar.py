"""The two lines at the top of every screen: where the officer is, and who is logged in."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget


class TopBar(Widget):
    """`sevis-tui › Listing of Programs`, then the logged-in user's 45-day reminder.

    One widget for both lines: it is on every screen, so it should cost little to mount. The
    reminder comes in several lengths (the app's `session_lines`, longest first): the longest
    that fits is shown, so it never wraps on a narrow terminal.
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
        self.watch(self.app, "session_lines", self._changed, init=False)
        self.watch(self.app, "theme", self._changed, init=False)

    def _changed(self) -> None:
        self.refresh(layout=True)

    def _session_lines(self) -> tuple[str, ...]:
        lines = getattr(self.app, "session_lines", ())
        return tuple(str(line) for line in lines)

    def render(self) -> Text:
        width = self.size.width or self.app.size.width
        primary = self.app.theme_variables.get("primary", "")
        bar = f"bold on {primary}" if primary.startswith("#") else "reverse"
        where = Text.assemble(" ", ("sevis-tui", "bold"), " › ", (self.location, "bold"))
        where.append(" " * max(0, width - where.cell_len))  # fill the line
        where.stylize(bar)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(where)
        lines = self._session_lines()
        if lines:
            fits = [line for line in lines if cell_len(line) + 1 <= width]
            text.append("\n " + (fits[0] if fits else lines[-1]))
        return text

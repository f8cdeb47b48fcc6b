"""The two lines at the top of every screen: the environment and where the officer is, then
who is logged in."""

from __future__ import annotations

from rich.cells import cell_len
from rich.errors import StyleSyntaxError
from rich.style import Style
from rich.text import Text
from textual.widget import Widget


class TopBar(Widget):
    """`[BETA] sevis-tui › Listing of Programs`, then the logged-in user's 45-day reminder.

    The environment's name comes first, in its own colour and in brackets, so that it shows
    as a name also in 16 colours and with NO_COLOR, and is never cut off on a narrow terminal.

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
        label = environment_label(self.app)
        where = Text.assemble(label, " ", ("sevis-tui", "bold"), " › ", (self.location, "bold"))
        if where.cell_len > width:
            # Narrow: the app's name goes first, then the location's end; never the environment.
            where = Text.assemble(label, " ", (self.location, "bold"))
            where.truncate(max(width, label.cell_len), overflow="ellipsis")
        where.append(" " * max(0, width - where.cell_len))  # fill the line
        where.stylize(bar, len(label))  # the label keeps its own colour
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(where)
        lines = self._session_lines()
        if lines:
            fits = [line for line in lines if cell_len(line) + 1 <= width]
            text.append("\n " + (fits[0] if fits else lines[-1]))
        return text


def environment_label(app: object) -> Text:
    """`[DEMO]`, `[BETA]`, `[PRODUCTION]`...: black on the environment's colour."""
    settings = getattr(app, "settings", None)
    if settings is None:
        return Text("")
    name = str(settings.environment_name).upper()
    try:
        style = Style.parse(f"bold black on {settings.environment_colour}")
    except StyleSyntaxError:  # a colour name the config got wrong: still a visible name
        style = Style.parse("bold black on cyan")
    return Text(f"[{name}]", style=style)

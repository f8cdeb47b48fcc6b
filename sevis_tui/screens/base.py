"""What every workflow screen shares: the top bar, the message line, F1 help and Escape back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from sevis_tui.widgets.message_bar import MessageBar
from sevis_tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from sevis_tui.api.errors import SevisError
    from sevis_tui.app import SevisApp


class SevisScreen(Screen[bool]):
    """A screen of the flow. Subclasses set LOCATION (shown at the top) and HELP (markdown)."""

    LOCATION: ClassVar[str] = ""
    HELP: ClassVar[str] = ""

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("escape", "back", "Back", id="screen.back"),
    ]

    @property
    def sevis(self) -> SevisApp:
        return cast("SevisApp", self.app)

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.LOCATION)
        yield MessageBar(id="message")

    @property
    def message(self) -> MessageBar:
        return self.query_one("#message", MessageBar)

    def show_error(self, error: SevisError, *, retry: bool = False) -> None:
        self.message.show(error.message, error.remedy, key_hint="r: try again" if retry else "")

    def action_help(self) -> None:
        from sevis_tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.LOCATION, self.HELP))

    def action_back(self) -> None:
        # The first screen stays: going back from it would leave an empty terminal.
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

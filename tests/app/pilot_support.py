"""Pilot steps shared by the app tests: wait, log in, walk to the upload, choose a file."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.widgets.message_bar import MessageBar


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def log_in(pilot: Pilot[None], password: str = DEMO_PASSWORD) -> None:
    app = pilot.app
    assert isinstance(app.screen, LoginScreen)
    app.screen.query_one("#user-id", Input).value = DEMO_USER_ID
    app.screen.query_one("#password", Input).focus()
    await pilot.press(*password, "enter")
    await settle(pilot)


async def choose_file(pilot: Pilot[None], name: str) -> None:
    """In the browser: type the name to filter, then Enter on the only match."""
    await settle(pilot)
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def to_upload(pilot: Pilot[None]) -> None:
    """Log in and open the first program's agreement, read to the end."""
    await log_in(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("a", "enter")
    await settle(pilot)
    await pilot.press("end")
    await settle(pilot)


def message_text(app: SevisApp) -> str:
    """The message bar's text as one line (before wrapping), or "" while it is hidden."""
    bar = app.screen.query_one("#message", MessageBar)
    return bar.text.plain if bar.display else ""

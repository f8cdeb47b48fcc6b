"""Keys that arrive in one burst (SSH, paste, a password manager) do what slow typing does.

The burst is fed through Textual's own terminal parser and posted to the app all at once, as the
terminal driver does when the bytes arrive in one read; nothing waits between the keys.
"""

from __future__ import annotations

from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.key_order import KeysInOrder
from sevis_tui.tui.screens.programs import ProgramsScreen

from .pilot_support import settle


def burst(app: App[object], data: str) -> None:
    """Post every key in `data` to the app before any of them is handled."""
    for event in XTermParser().feed(data):
        app.post_message(event)


async def keys_handled(pilot: Pilot[object]) -> None:
    """Wait (by pausing, never sleeping) until the app has routed every key of the burst."""
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if not isinstance(app, KeysInOrder) or app.keys_waiting == 0:
            break
        await app.workers.wait_for_complete()  # keys may wait for an answer (tui/key_order.py)
    await app.workers.wait_for_complete()
    await pilot.pause()


class TwoInputs(App[None]):
    """Textual's own App: keys go to the field that had focus when they were queued."""

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")


class TwoInputsInOrder(KeysInOrder[None]):
    def compose(self) -> ComposeResult:
        # Not selecting on focus: the test types after text that is already there.
        yield Input(id="first", select_on_focus=False)
        yield Input(id="second", select_on_focus=False)


async def test_textual_alone_misroutes_a_burst_across_tab() -> None:
    # What KeysInOrder works around (reported upstream). If this starts failing, Textual routes
    # keys as they are handled, and KeysInOrder can go.
    app = TwoInputs()
    async with app.run_test() as pilot:
        burst(app, "abc\txyz")
        await keys_handled(pilot)
        assert app.query_one("#first", Input).value == "abcxyz"
        assert app.query_one("#second", Input).value == ""


async def test_keys_in_order_routes_each_key_to_the_focus_it_meets() -> None:
    app = TwoInputsInOrder()
    async with app.run_test() as pilot:
        burst(app, "abc\txyz\tq\x1b[Zr")  # Shift+Tab (ESC [ Z) goes back to the second field
        await keys_handled(pilot)
        assert app.query_one("#first", Input).value == "abcq"
        assert app.query_one("#second", Input).value == "xyzr"


async def test_login_typed_in_one_burst(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, f"{DEMO_USER_ID}\t{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        assert app.login is not None and app.login.user.user_id == DEMO_USER_ID


async def test_login_with_enter_between_the_fields(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, f"{DEMO_USER_ID}\r{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen


async def test_filter_on_the_listing_keeps_every_letter(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, f"{DEMO_USER_ID}\t{DEMO_PASSWORD}\r")
        await keys_handled(pilot)
        await settle(pilot)
        programs = app.screen
        assert isinstance(programs, ProgramsScreen)
        burst(app, "studen")
        await keys_handled(pilot)
        assert programs.query_one("#filter", Input).value == "studen"
        assert programs.query_one(DataTable).row_count == 1
        assert programs.sort_index == 0  # s filtered; it did not sort

"""Keys typed ahead wait for the screen they are meant for (issue 21, item 2).

Keys that arrive before the first screen, while a screen is loading what it shows, or while
one screen gives way to the next, go to what has the focus when their turn comes: the same as
typing them one at a time once each screen is there. Each burst is posted at once (see
test_type_ahead.burst); nothing waits between its keys.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.key_order import hold_keys
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.batch_status import BatchStatusScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.result import ResultScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen
from sevis_tui.tui.screens.upload import UploadScreen

from .pilot_support import log_in, message_text, settle, to_upload
from .test_type_ahead import burst, keys_handled

LOGIN = f"{DEMO_USER_ID}\t{DEMO_PASSWORD}\r"
DOWN, END = "\x1b[B", "\x1b[F"


class KeysBeforeTheFirstScreen(SevisApp):
    """The keys are in the app's queue before its first screen exists (typed ahead at start)."""

    def __init__(self, settings: Settings, keys: str) -> None:
        super().__init__(settings)
        self.keys = keys

    def get_default_screen(self) -> Screen[Any]:
        burst(self, self.keys)
        return super().get_default_screen()


async def test_a_login_typed_before_the_first_screen_logs_in(plain_settings: Settings) -> None:
    app = KeysBeforeTheFirstScreen(plain_settings, LOGIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        assert app.login is not None and app.login.user.user_id == DEMO_USER_ID


async def test_the_whole_walk_to_the_upload_in_one_burst(plain_settings: Settings) -> None:
    # Each key after the login's Enter waits: for the login, the Listing's programs, the
    # program's details, the Actions menu, the agreement (laid out, so End reaches its end).
    app = KeysBeforeTheFirstScreen(plain_settings, LOGIN + "\ra\r" + END + "y")
    async with app.run_test(size=(80, 24)) as pilot:
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, UploadScreen), (app.screen, message_text(app))


async def test_enter_a_down_enter_on_the_listing(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        burst(app, f"\ra{DOWN}\r")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, BatchStatusScreen), app.screen
        assert [type(s) for s in app.screen_stack][-2] is SponsorScreen


async def test_a_enter_end_y_on_program_sponsor_information(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        burst(app, f"a\r{END}y")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, UploadScreen), (app.screen, message_text(app))


async def test_a_key_that_cannot_be_honoured_says_why(plain_settings: Settings) -> None:
    # y before the agreement was read to the end: refused with the screen's own words.
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        burst(app, "a\ry")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        assert message_text(app).startswith("i Read the agreement to the end first")


async def test_choose_the_file_and_upload_in_one_burst(settings: Settings) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, UploadScreen)
        # The name filters the browser; Enter checks the file; u asks; y uploads.
        burst(app, "jsmith6544.pem\ruy")
        await keys_handled(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen), (app.screen, message_text(app))


async def test_quit_never_waits_behind_held_keys(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hold = hold_keys(app.screen)  # as while the service is slow to answer
        burst(app, "abc\x11")  # then Ctrl+Q
        for _ in range(50):
            await pilot.pause()
            if app.return_code is not None:
                break
        assert app.return_code == 0
        assert app.keys_waiting == 3  # the letters still wait; the app is leaving
        hold.release()


async def test_keys_wait_while_held_and_go_when_released(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#user-id", Input)
        hold = hold_keys(field)
        burst(app, "jsm")
        for _ in range(20):
            await pilot.pause()
        assert field.value == "" and app.keys_waiting == 3
        hold.release()
        await keys_handled(pilot)
        assert field.value == "jsm"

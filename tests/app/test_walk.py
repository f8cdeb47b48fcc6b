"""The registration walk, driven with Pilot against the embedded demo service."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from sevis_tui.app import SevisApp
from sevis_tui.config import Settings
from sevis_tui.screens.actions_menu import ActionsMenu
from sevis_tui.screens.agreement import AgreementScreen
from sevis_tui.screens.login import LoginScreen
from sevis_tui.screens.programs import ProgramsScreen
from sevis_tui.screens.sponsor import SponsorScreen
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID


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


async def test_login_to_agreement(plain_settings: Settings, home: Path) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        table = app.screen.query_one(DataTable)
        assert table.row_count >= 3
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsMenu)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        app.save_screenshot(str(home / "agreement.svg"))


async def test_password_is_never_written(plain_settings: Settings, home: Path) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
    state = (home / "xdg_state_home" / "sevis-tui" / "state.toml").read_text()
    assert DEMO_USER_ID in state  # the state was written...
    secret = DEMO_PASSWORD.encode()
    for path in home.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), f"the password is in {path}"


async def test_wrong_password_says_attempts_left(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, password="not-the-password-1")
        assert isinstance(app.screen, LoginScreen)
        bar = app.screen.query_one("#message")
        text = str(bar.render())
        assert "2" in text and "attempt" in text.lower(), text
        # The user ID stays, the password is cleared for the next try.
        assert app.screen.query_one("#user-id", Input).value == DEMO_USER_ID
        assert app.screen.query_one("#password", Input).value == ""
        await log_in(pilot, password="not-the-password-2")
        await log_in(pilot, password="not-the-password-3")
        text = str(app.screen.query_one("#message").render())
        assert "locked" in text.lower(), text
        await log_in(pilot)
        assert isinstance(app.screen, LoginScreen)

"""Every screen of the flow at 80x24, pictured."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from sevis_tui.config import Settings
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .snapshot_support import freeze, snapshot_app

SnapCompare = Callable[..., bool]


async def logged_in(pilot: Pilot[None]) -> None:
    await freeze(pilot)
    pilot.app.screen.query_one("#user-id", Input).value = DEMO_USER_ID
    password = pilot.app.screen.query_one("#password", Input)
    password.value = DEMO_PASSWORD
    password.focus()
    await pilot.press("enter")
    await freeze(pilot)


def walk(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await logged_in(pilot)
        for key in keys:
            await pilot.press(key)
            await freeze(pilot)

    return run_before


def test_login_screen(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=freeze)


def test_listing_of_programs(
    snap_compare: SnapCompare, plain_settings: Settings, home: Path
) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=walk())


def test_program_sponsor_information(
    snap_compare: SnapCompare, plain_settings: Settings, home: Path
) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=walk("enter"))


def test_actions_menu(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=walk("enter", "a"))


def test_agreement_unread(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    app = snapshot_app(plain_settings, home)
    assert snap_compare(app, run_before=walk("enter", "a", "enter"))


def test_agreement_read(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    app = snapshot_app(plain_settings, home)
    assert snap_compare(app, run_before=walk("enter", "a", "enter", "end"))


def test_help_on_programs(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=walk("f1"))


def test_logout_question(snap_compare: SnapCompare, plain_settings: Settings, home: Path) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=walk("escape"))

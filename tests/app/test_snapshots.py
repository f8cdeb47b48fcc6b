"""Every screen of the flow at 80x24, pictured."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings

from .snapshot_support import fixed_certificate_folder, fixed_policy_app, freeze, snapshot_app

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


@pytest.fixture
def fixed_settings(plain_settings: Settings, home: Path) -> Settings:
    # In this test's own home folder (runs at the same time never share it); the browser shows
    # it as ~/certs, so the picture is the same on every run.
    folder = fixed_certificate_folder(home / "home" / "certs")
    return msgspec.structs.replace(
        plain_settings,
        browser=msgspec.structs.replace(plain_settings.browser, start_folder=str(folder)),
    )


@pytest.fixture
def fixed_confirmation_number(monkeypatch: pytest.MonkeyPatch) -> None:
    # The only random text on the Confirmation page; fixed so the picture is stable.
    monkeypatch.setattr(
        "sevis_tui.service.registrations.new_confirmation_number",
        lambda tx, now: "SBR-2026-TEST-0001",
    )


UPLOAD = ("enter", "a", "enter", "end", "y")


def test_upload_browser_with_preview(
    snap_compare: SnapCompare, fixed_settings: Settings, home: Path
) -> None:
    app = fixed_policy_app(fixed_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, "down", "down"))


def test_upload_report_of_a_good_file(
    snap_compare: SnapCompare, fixed_settings: Settings, home: Path
) -> None:
    app = fixed_policy_app(fixed_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"jsmith", "enter"))


def test_upload_confirm_question(
    snap_compare: SnapCompare, fixed_settings: Settings, home: Path
) -> None:
    app = fixed_policy_app(fixed_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"jsmith", "enter", "u"))


def test_confirmation(
    snap_compare: SnapCompare,
    fixed_settings: Settings,
    home: Path,
    fixed_confirmation_number: None,
) -> None:
    app = fixed_policy_app(fixed_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"jsmith", "enter", "u", "y"))


def test_refused_offline(snap_compare: SnapCompare, fixed_settings: Settings, home: Path) -> None:
    app = fixed_policy_app(fixed_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"expired", "enter"))


def test_inspect_offline_wide(
    snap_compare: SnapCompare, fixed_settings: Settings, home: Path
) -> None:
    app = fixed_policy_app(fixed_settings, home)

    async def run_before(pilot: Pilot[None]) -> None:
        await freeze(pilot)
        await pilot.press("ctrl+o")
        await freeze(pilot)
        await pilot.press("down", "down")
        await freeze(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(120, 40))

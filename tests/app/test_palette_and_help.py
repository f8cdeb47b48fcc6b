"""Ctrl+P offers the current screen's commands; F1 explains the current screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.dialogs.help import HelpScreen
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.assemble_p12 import AssembleP12Screen
from sevis_tui.tui.screens.extract_certificate import ExtractCertificateScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.request_certificate import RequestCertificateScreen

from .pilot_support import log_in, settle


async def test_palette_runs_a_screen_command(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        programs = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"sort programs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is programs
        assert programs.sort_index == 1  # sorted by name now


@pytest.mark.parametrize(
    ("typed", "screen"),
    [
        ("request a certificate", RequestCertificateScreen),
        ("assemble the batch", AssembleP12Screen),
        ("extract the certificate", ExtractCertificateScreen),
    ],
)
async def test_palette_opens_each_certificate_tool(
    plain_settings: Settings, typed: str, screen: type
) -> None:
    """The palette names the tool; the app's action hands it to the flow, which opens it."""
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*typed)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, screen)


async def palette_titles(pilot: Pilot[None]) -> list[str]:
    """Open Ctrl+P and read the commands it lists before anything is typed; close it again."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await settle(pilot)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    titles = [
        str(option.prompt).split("\n")[0] for option in palette.query_one(CommandList).options
    ]
    await pilot.press("escape")
    await pilot.pause()
    return titles


async def test_palette_offers_log_out_only_where_it_applies(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = await palette_titles(pilot)
        assert "Inspect certificate files (offline)" in titles  # the palette did list commands
        assert "Log out" not in titles
        # Only ours: not Textual's Quit, Keys, Theme or Screenshot beside them.
        assert "Quit sevis-tui" in titles
        assert not {"Quit", "Keys", "Theme", "Screenshot"} & set(titles), titles
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        assert "Log out" in await palette_titles(pilot)


async def test_f1_explains_each_screen_and_escape_closes(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.help_title == "Log in"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Listing of Programs" in app.screen.help_title
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProgramsScreen)


async def test_filter_sort_and_log_out(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        table = app.screen.query_one(DataTable)
        await pilot.press(*"chicago")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("ctrl+d")
        await pilot.pause()
        first = table.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value
        assert first == "P-1-00003"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.login is None


async def test_unwritable_state_is_said_once_and_app_runs(
    plain_settings: Settings, home: Path
) -> None:
    blocker = home / "xdg_state_home"
    blocker.write_text("a file where the state folder should be")
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        said = [n for n in app._notifications if "state will not be kept" in n.message]
        assert len(said) == 1


async def test_idle_warning_after_18_minutes(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        app._check_idle()
        await pilot.pause()
        assert not [n for n in app._notifications if "20 idle minutes" in n.message]
        app._last_activity -= 18 * 60 + 1
        app._check_idle()
        app._check_idle()
        await pilot.pause()
        warned = [n for n in app._notifications if "20 idle minutes" in n.message]
        assert len(warned) == 1


async def f1_keys(pilot: Pilot[None]) -> set[str]:
    """What F1's table of keys lists for the current screen; F1 closed again."""
    await pilot.press("f1")
    await pilot.pause()
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    listed = {item.description for item in help_screen.keys}
    await pilot.press("escape")
    await pilot.pause()
    return listed


async def test_f1_lists_no_key_that_moves_sideways_where_nothing_can(
    plain_settings: Settings,
) -> None:
    """`^pgup Page Left` and friends were listed on screens that never scroll sideways."""
    sideways = {"Page Left", "Page Right", "Scroll Left", "Scroll Right"}
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        listed = await f1_keys(pilot)  # the Listing: a table whose cursor is a whole row
        assert "Cursor down" in listed and not listed & sideways, listed
        assert not {"Cursor left", "Cursor right"} & listed
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        listed = await f1_keys(pilot)
        assert "Scroll Down" in listed and not listed & sideways, listed

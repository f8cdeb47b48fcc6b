"""Coming back to a screen asks the service again only when the data may have changed."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.actions_menu import ActionsMenu
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.dialogs.help import HelpScreen
from sevis_tui.tui.screens.batch_status import BatchStatusScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen

from .faults import FaultyTransport, faulty_factory
from .pilot_support import choose_file, log_in, settle, to_upload

PROGRAMS = "GET /api/v1/programs"
PROGRAM = "GET /api/v1/programs/P-1-00001"


def asked(transport: FaultyTransport, request: str) -> int:
    return transport.seen.count(request)


async def test_help_palette_and_a_declined_log_out_do_not_reload_programs(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "reload.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        before = asked(transport, PROGRAMS)
        assert before == 1
        for key, shown in (("f1", HelpScreen), ("ctrl+p", CommandPalette)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, shown)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ProgramsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        assert asked(transport, PROGRAMS) == before


async def test_ctrl_keys_act_and_letters_filter(plain_settings: Settings, home: Path) -> None:
    transport, factory = faulty_factory(home / "reload.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, ProgramsScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert asked(transport, PROGRAMS) == 2
        assert screen.query_one("#filter", Input).value == ""
        await pilot.press("r")
        await pilot.pause()
        assert screen.query_one("#filter", Input).value == "r"
        assert asked(transport, PROGRAMS) == 2


async def test_every_letter_goes_to_the_filter_from_the_first(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "reload.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, ProgramsScreen)
        await pilot.press(*"sNorthS")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "sNorthS"
        assert asked(transport, PROGRAMS) == 1  # the r did not reload
        assert (screen.sort_index, screen.sort_reverse) == (0, False)  # nor did s or S sort


async def test_actions_menu_help_and_batch_view_do_not_reload_the_program(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "reload.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        before = asked(transport, PROGRAM)
        assert before == 1
        for key, shown in (("a", ActionsMenu), ("f1", HelpScreen), ("v", BatchStatusScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, shown)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, SponsorScreen)
        assert asked(transport, PROGRAM) == before


async def test_declining_the_agreement_reloads_the_program(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "reload.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        assert asked(transport, PROGRAM) == 2
        # Only once: the next visit of the Actions menu costs nothing again.
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert asked(transport, PROGRAM) == 2


async def test_a_new_registration_shows_on_the_way_back(settings: Settings, home: Path) -> None:
    from sevis_tui.tui.screens.result import ResultScreen

    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        programs = next(s for s in app.screen_stack if isinstance(s, ProgramsScreen))
        listed = {p.number: p for p in programs.programs}
        assert not listed["P-1-00001"].batch.registered
        await pilot.press("y")
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.pem")
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen) and app.screen.confirmation is not None
        await pilot.press("enter")
        await settle(pilot)
        sponsor = app.screen
        assert isinstance(sponsor, SponsorScreen)
        assert sponsor.program is not None and sponsor.program.batch.registered
        assert "No certificate is registered" not in str(sponsor.query_one("#batch").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is programs
        listed = {p.number: p for p in programs.programs}
        assert listed["P-1-00001"].batch.registered
        table = programs.query_one(DataTable)
        cell = table.get_cell("P-1-00001", "batch")
        assert str(cell).endswith("days left"), cell  # the batch column says days left

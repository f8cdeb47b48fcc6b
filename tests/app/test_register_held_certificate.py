"""Registering, in the one-program flow, the certificate the program already holds sends
nothing and says so (it made a second registration with a new confirmation number)."""

from __future__ import annotations

from textual.pilot import Pilot

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.dialogs.programs_confirm import ProgramsConfirmDialog
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.multi_run import MultiRunScreen
from sevis_tui.tui.screens.multi_upload import MultiUploadScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.result import ResultScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen
from sevis_tui.tui.screens.upload import UploadScreen

from .pilot_support import choose_file, message_text, settle, to_upload

PROGRAM = "P-1-00001"


async def history(app: SevisApp) -> list[str]:
    client = await app.get_client()
    return [item.confirmation for item in (await client.batch_status(PROGRAM)).history]


async def test_the_certificate_the_program_holds_is_not_sent_again(settings: Settings) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("y")
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.pem")
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen) and app.screen.confirmation is not None
        first = app.screen.confirmation.number
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        # Register again, with the same file: the app sees it is the program's registration.
        await pilot.press("a", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        upload = app.screen
        assert isinstance(upload, UploadScreen)
        await choose_file(pilot, "jsmith6544.pem")
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        said = message_text(app)
        assert "Already registered" in said and "nothing sent" in said, said
        assert first in said
        assert await history(app) == [first]
        # Had the app not known (a service that gives no fingerprint), the service answers
        # the registration it already is, and the screen says the same.
        upload.held = None
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is upload
        said = message_text(app)
        assert "Already registered" in said and first in said, said
        assert await history(app) == [first]


async def register_first_program(pilot: Pilot[None]) -> str:
    """The one-program walk: P-1-00001 registers jsmith6544.pem; back on the Listing."""
    app = pilot.app
    await to_upload(pilot)
    await pilot.press("y")
    await settle(pilot)
    await choose_file(pilot, "jsmith6544.pem")
    await pilot.press("u")
    await pilot.pause()
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(app.screen, ResultScreen) and app.screen.confirmation is not None
    number = app.screen.confirmation.number
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, ProgramsScreen)
    return number


async def marked_upload(pilot: Pilot[None], count: int) -> None:
    """Mark the first `count` programs, accept the agreement, choose the file, press u."""
    app = pilot.app
    await pilot.press("home")
    for _ in range(count):
        await pilot.press("space")
    await pilot.press("ctrl+g")
    await settle(pilot)
    await pilot.press("end")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(app.screen, MultiUploadScreen), message_text(app)
    await choose_file(pilot, "jsmith6544.pem")
    await pilot.press("u")
    await settle(pilot)


async def test_several_programs_some_holding_it_are_asked_about_the_rest(
    settings: Settings,
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await register_first_program(pilot)
        await marked_upload(pilot, 2)
        dialog = app.screen
        assert isinstance(dialog, ProgramsConfirmDialog)
        assert dialog.question.startswith(
            "Register jsmith6544 for batch processing for program P-1-00002? 1 program already "
            "has it: nothing is sent for it."
        ), dialog.question
        assert "Each gets its own" not in dialog.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MultiRunScreen)
        outcomes = [str(result.outcome) for result in app.screen.engine.results]
        assert outcomes == ["already_registered", "registered"]
        assert await history(app) == [first]


async def test_several_programs_all_holding_it_send_nothing(settings: Settings) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await register_first_program(pilot)
        await marked_upload(pilot, 1)
        assert isinstance(app.screen, MultiUploadScreen)
        said = message_text(app)
        assert "Already registered: The program holds this certificate; nothing sent." in said
        assert await history(app) == [first]

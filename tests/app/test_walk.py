"""The registration walk, driven with Pilot against the embedded demo service."""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path

from msgspec.structs import replace
from textual.widgets import DataTable, Input

from sevis_tui.cert import Policy, factory
from sevis_tui.cli import main
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import Clock, SevisApp, default_policy_factory
from sevis_tui.tui.dialogs.actions_menu import ActionsMenu
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen

from .pilot_support import choose_file, log_in, message_text, settle, to_upload
from .snapshot_support import fixed_clock_factory as snapshot_factory


async def test_login_to_agreement(plain_settings: Settings) -> None:
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
        text = message_text(app)
        assert "2 attempts left before the user ID is locked" in text, text
        # The user ID stays, the password is cleared for the next try.
        assert app.screen.query_one("#user-id", Input).value == DEMO_USER_ID
        assert app.screen.query_one("#password", Input).value == ""
        await log_in(pilot, password="not-the-password-2")
        assert "1 attempt left before the user ID is locked" in message_text(app)
        await log_in(pilot, password="not-the-password-3")
        text = message_text(app)
        assert "locked" in text.lower(), text
        await log_in(pilot)
        assert isinstance(app.screen, LoginScreen)
        # The demo says exactly how to unlock it; the command it shows does, while the app runs.
        command = re.search(r"sevis-tui serve admin unlock .*? jsmith6544", message_text(app))
        assert command is not None, message_text(app)
        assert main(shlex.split(command.group(0))[1:]) == 0
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)


async def test_locked_user_id_on_a_server_asks_the_administrator(
    plain_settings: Settings, home: Path
) -> None:
    # A configured server (reached here in-process): no command to run, the administrator.
    settings = replace(plain_settings, server=replace(plain_settings.server, url="https://x.test"))
    app = SevisApp(settings, client_factory=snapshot_factory(home / "server.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for attempt in range(3):
            await log_in(pilot, password=f"not-the-password-{attempt}")
        text = message_text(app)
        assert "locked" in text and "administrator" in text, text
        assert "sevis-tui serve" not in text


async def test_whole_walk_to_confirmation_and_receipt(settings: Settings, home: Path) -> None:
    from sevis_tui.tui.screens.result import ResultScreen
    from sevis_tui.tui.screens.upload import UploadScreen

    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        assert isinstance(app.screen, AgreementScreen)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        printed = list((home / "prints").glob("batch-agreement-P-1-00001-v1.txt"))
        assert printed and "Batch Processing Agreement" in printed[0].read_text()
        # Printing again asks before replacing the file.
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "already exists" in str(app.screen.query_one("#save-problem").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, UploadScreen)
        upload = app.screen
        await choose_file(pilot, "jsmith6544.pem")
        assert upload.report is not None and upload.report.ok
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        confirmation = app.screen.confirmation
        assert confirmation is not None and confirmation.number.startswith("SBR-")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        receipt = (home / "prints" / f"batch-registration-{confirmation.number}.txt").read_text()
        assert confirmation.number in receipt and confirmation.certificate.sha256 in receipt
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        assert app.screen.program is not None and app.screen.program.batch.registered
        # The folder is remembered for next time.
        assert app.state.last_folder == str(settings.browser.start_folder)


async def test_refused_files_explain_and_choose_again(settings: Settings) -> None:
    from sevis_tui.tui.screens.result import ResultScreen
    from sevis_tui.tui.screens.upload import UploadScreen

    folder = Path(settings.browser.start_folder)
    offline_only = factory.make_ca("Offline Only CA", organization="Offline Only Trust")
    person = factory.make_personal(offline_only, user_id=DEMO_USER_ID)
    (folder / "offline-only.pem").write_bytes(factory.pem(person.certificate))

    def offline_list(settings: Settings, clock: Clock) -> Policy:
        # This machine's offline list also accepts an issuer that the service does not.
        policy = default_policy_factory(settings, clock)
        issuers = (*policy.accepted_issuers, offline_only.certificate)
        return dataclasses.replace(policy, accepted_issuers=issuers)

    app = SevisApp(settings, policy_factory=offline_list)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("y")
        await settle(pilot)
        upload = app.screen
        assert isinstance(upload, UploadScreen)
        issuer_codes = {"untrusted_issuer", "missing_intermediate"}
        for name, codes in (("expired.pem", {"expired"}), ("unaccepted", issuer_codes)):
            await choose_file(pilot, name)
            assert upload.report is not None and not upload.report.ok
            assert codes & {f.code for f in upload.report.errors}
            # Upload is refused offline, with the findings on screen.
            assert upload.check_action("upload", ()) is None
            await pilot.press("b")  # back to the whole folder: the filter is cleared
            await settle(pilot)
        # The service's own check refuses what slips past the offline one: here an issuer
        # that only this machine's offline list accepts.
        await choose_file(pilot, "offline-only.pem")
        assert upload.report is not None and upload.report.ok, upload.report
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.confirmation is None
        assert "missing_intermediate" in {f.code for f in app.screen.findings}
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is upload  # the agreement is not asked again
        assert not upload.query_one("CertificateChooser").showing_report  # type: ignore[attr-defined]

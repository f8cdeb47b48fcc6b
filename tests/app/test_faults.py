"""Faults at the transport: a clear message where it happened, a retry key, nothing lost."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen

from .faults import (
    answer_lost,
    faulty_factory,
    malformed,
    refused,
    server_error,
    session_ended,
    timed_out,
    tls_failure,
)
from .pilot_support import choose_file, log_in, message_text, settle, to_upload
from .snapshot_support import fixed_clock


async def test_server_down_at_login_then_retry(plain_settings: Settings, home: Path) -> None:
    transport, factory = faulty_factory(home / "faults.db")
    transport.arm("POST /api/v1/session", refused)
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, LoginScreen)
        text = message_text(app)
        assert "reach" in text.lower() or "connect" in text.lower(), text
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)


async def test_timeout_on_programs_keeps_screen_and_retries(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "faults.db")
    transport.arm("GET /api/v1/programs", timed_out)
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        assert "Ctrl+R: try again" in message_text(app)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 3
        assert message_text(app) == ""


async def test_5xx_malformed_and_tls_each_give_one_line(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "faults.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        for fault in (server_error, malformed, tls_failure):
            transport.arm("GET /api/v1/programs/P-1-00001", fault)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, SponsorScreen)
            text = message_text(app)
            assert text and "\n" not in text.strip() and "Traceback" not in text, text
            await pilot.press("r")
            await settle(pilot)
            assert message_text(app) == ""
            assert app.screen.program is not None
            await pilot.press("escape")
            await settle(pilot)


async def test_session_expiry_mid_flow_returns_to_where_it_was(
    plain_settings: Settings, home: Path
) -> None:
    transport, factory = faulty_factory(home / "faults.db")
    app = SevisApp(plain_settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        assert isinstance(app.screen, AgreementScreen)
        agreement_screen = app.screen
        transport.arm("POST /api/v1/programs/P-1-00001/batch/acceptance", session_ended)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.screen.relogin
        await log_in(pilot)
        # Logged in again, the acceptance that failed was sent again, and the flow went on.
        assert type(app.screen).__name__ == "UploadScreen", app.screen
        assert agreement_screen in app.screen_stack


async def test_retried_upload_after_a_lost_answer_registers_once(
    settings: Settings, home: Path
) -> None:
    from sevis_tui.tui.screens.result import ResultScreen

    transport, factory = faulty_factory(home / "faults.db")
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("y")
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.pem")
        transport.arm("POST /api/v1/programs/P-1-00001/batch/certificate", answer_lost)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "r: try again" in message_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen) and app.screen.confirmation is not None
        client = await app.get_client()
        status = await client.batch_status("P-1-00001")
        assert len(status.history) == 1, status.history
        assert status.current is not None
        assert status.current.confirmation == app.screen.confirmation.number
        uploads = [line for line in transport.seen if line.endswith("/batch/certificate")]
        assert len(uploads) == 2


async def test_a_retry_that_fails_again_says_it_was_tried(
    plain_settings: Settings, home: Path
) -> None:
    """r on a failure that comes back the same changed nothing on the screen: now the line
    says when it was tried again, and how many times."""
    transport, factory = faulty_factory(home / "faults.db")
    for _ in range(3):
        transport.arm("GET /api/v1/programs/P-1-00001", server_error)
    app = SevisApp(plain_settings, client_factory=factory, clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        first = message_text(app)
        assert first.endswith("r: try again") and "Tried again" not in first, first
        await pilot.press("r")
        await settle(pilot)
        second = message_text(app)
        assert second != first
        assert second.endswith("Tried again at 12:00:00 UTC (1 time). r: try again"), second
        await pilot.press("r")
        await settle(pilot)
        assert message_text(app).endswith("(2 times). r: try again")
        await pilot.press("r")
        await settle(pilot)
        assert message_text(app) == ""  # answered: the count starts again
        assert app.screen.program is not None

"""Check Batch Access with Pilot: the demo's .p12, a wrong password, then the verdicts."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.p12_password import PasswordDialog
from sevis_tui.tui.screens.batch_access import BatchAccessScreen
from sevis_tui.tui.screens.batch_status import BatchStatusScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen
from sevis_tui.tui.widgets.top_bar import TopBar

from .pilot_support import choose_file, log_in, message_text, settle


def verdict_shown(app: SevisApp) -> str:
    return str(app.screen.query_one("#verdict", Static).render())


async def type_password(app: SevisApp, pilot: object, password: str) -> None:
    assert isinstance(app.screen, PasswordDialog), app.screen
    field = app.screen.query_one(Input)
    assert field.password  # masked
    await pilot.press(*password, "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_wrong_password_then_a_verdict_then_accepted_once_registered(
    settings: Settings, demo_dir: Path
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BatchAccessScreen)
        assert "[DEMO]" in str(app.screen.query_one(TopBar).render())
        await choose_file(pilot, "jsmith6544.p12")

        await type_password(app, pilot, "not the password")
        assert isinstance(app.screen, PasswordDialog)  # asked again, saying why
        problem = str(app.screen.query_one("#password-problem", Static).render())
        assert "does not open jsmith6544.p12" in problem
        assert app.screen.query_one(Input).value == ""

        await type_password(app, pilot, "demo")
        assert isinstance(app.screen, BatchAccessScreen)
        shown = verdict_shown(app)
        assert "REFUSED" in shown and "no certificate is registered" in shown
        assert "Refused" in message_text(app)

        # Register the demo certificate through the app's own client, then check again.
        client = await app.get_client()
        await client.accept_agreement("P-1-00001", 1)
        pem = (demo_dir / "jsmith6544.pem").read_bytes()
        await client.upload_certificate("P-1-00001", pem, "jsmith6544.pem", "pilot-1")
        await pilot.press("c")
        await settle(pilot)
        await type_password(app, pilot, "demo")
        shown = verdict_shown(app)
        assert "ACCEPTED" in shown, shown
        assert "jsmith6544 (RO)" in shown

        await pilot.press("b")
        await settle(pilot)
        await pilot.press("escape")  # the browser's filter was cleared: back
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, BatchStatusScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BatchAccessScreen)
        endpoint = app.batch_endpoint
        assert endpoint is not None and endpoint.url.startswith("https://127.0.0.1:")
    # The demo's listener stops with the app.
    host, port = endpoint.url.removeprefix("https://").split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


async def test_the_password_is_never_written(settings: Settings, home: Path) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.p12")
        await type_password(app, pilot, "demo-secret-typed")
    for path in home.rglob("*"):
        if path.is_file():
            assert b"demo-secret-typed" not in path.read_bytes(), path


async def test_the_browser_names_its_key_and_times_read_like_the_app(
    settings: Settings, demo_dir: Path
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        client = await app.get_client()
        await client.accept_agreement("P-1-00001", 1)
        pem = (demo_dir / "jsmith6544.pem").read_bytes()
        await client.upload_certificate("P-1-00001", pem, "jsmith6544.pem", "pilot-1")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BatchAccessScreen)
        # Certificates only: the status line names the key that shows all files (Ctrl+T).
        status = str(app.screen.query_one("#status", Static).render())
        assert "PKCS#12 only (^t: all)" in status, status
        await choose_file(pilot, "jsmith6544.p12")
        await type_password(app, pilot, "demo")
        shown = verdict_shown(app)
        assert "ACCEPTED" in shown, shown
        registered = next(line for line in shown.splitlines() if line.startswith("Registered"))
        assert re.fullmatch(r"Registered +\d{4}-\d\d-\d\d \d\d:\d\d UTC", registered), registered

"""The masked password dialog for a PKCS#12 file, driven with Pilot (wrong password included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from sevis_tui.commands.demo_certs import P12_PASSWORD
from sevis_tui.service.demo import DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.p12_password import PasswordDialog
from sevis_tui.tui.screens.inspect import InspectScreen
from sevis_tui.tui.widgets import certificate_chooser
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser
from sevis_tui.tui.widgets.file_preview import FilePreview

from .pilot_support import choose_file, message_text, settle

P12 = f"{DEMO_USER_ID}.p12"


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every password the chooser hands to the engine (to see that each is wiped after use)."""
    seen: list[Any] = []
    real = certificate_chooser.inspect_path

    def spy(path: Any, policy: Any, **options: Any) -> Any:
        seen.append(options.get("password"))
        return real(path, policy, **options)

    monkeypatch.setattr(certificate_chooser, "inspect_path", spy)
    return seen


async def test_wrong_then_right_password_opens_the_p12(
    settings: Settings, home: Path, passwords: list[Any]
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, InspectScreen)
        await choose_file(pilot, P12)
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)
        field = dialog.query_one("#p12-password", Input)
        assert field.password  # masked
        assert str(dialog.query_one("#password-problem", Static).render()) == ""

        await pilot.press(*"not-the-password", "enter")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, PasswordDialog) and again is not dialog
        assert "That password does not open" in str(
            again.query_one("#password-problem", Static).render()
        )
        assert again.query_one("#p12-password", Input).value == ""

        await pilot.press(*P12_PASSWORD, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        chooser = screen.query_one(CertificateChooser)
        report = chooser.report
        assert chooser.showing_report and report is not None
        assert report.format == "PKCS#12" and report.ok and report.has_private_key, report
        assert "SEVIS would accept its certificate" in message_text(app)
        assert "never" not in message_text(app).lower()

    # Tried without a password first, then each typed one: all wiped once used.
    typed = [p for p in passwords if p is not None]
    assert len(typed) == 2
    assert all(isinstance(p, bytearray) and not any(p) for p in typed)
    for path in home.rglob("*"):
        if path.is_file() and path.suffix != ".p12" and path.name != "README.txt":
            assert b"not-the-password" not in path.read_bytes(), path


async def test_escape_shows_what_can_be_read_without_the_password(settings: Settings) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await choose_file(pilot, P12)
        assert isinstance(app.screen, PasswordDialog)
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InspectScreen)
        report = screen.query_one(CertificateChooser).report
        assert report is not None and not report.ok
        found = [f for f in report.findings if f.code == "needs_password"]
        assert len(found) == 1
        # In the app the remedy points to the dialog, not to a command-line flag.
        assert "--" not in found[0].remedy and "when asked" in found[0].remedy


async def test_the_preview_says_a_password_is_needed_not_an_error(settings: Settings) -> None:
    """Before its password is asked, a protected .p12 is not judged: the preview said
    "NOT OK: 1 error"."""
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*P12)  # the filter: the cursor on the .p12, not opened
        await settle(pilot)
        preview = app.screen.query_one("#preview", FilePreview)
        lines = preview.plain.splitlines()
        assert lines[0] == "Verdict  PASSWORD NEEDED", preview.plain
        assert "NOT OK" not in preview.plain and "✗" not in preview.plain
        assert lines[1].startswith("i This PKCS#12 file is protected by a password")
        assert lines[-1] == "Enter asks for its password"

"""No key silently does nothing; what the screens keep in view on a small terminal."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Input

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.actions_menu import ActionsMenu
from sevis_tui.tui.dialogs.help import HelpScreen
from sevis_tui.tui.dialogs.save_dialog import SaveDialog
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen
from sevis_tui.tui.widgets.key_line import KeyItem, KeyLine, key_line
from sevis_tui.tui.widgets.wrapping import label_indent, wrap_text

from .pilot_support import choose_file, log_in, message_text, settle, to_upload


def key_bar(app: SevisApp) -> list[KeyItem]:
    return app.screen.query_one(KeyLine).items


async def test_dimmed_keys_say_why_when_pressed(settings: Settings) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        accept = next(item for item in key_bar(app) if item.description == "Accept")
        assert not accept.enabled  # shown, dimmed
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        assert "Read the agreement to the end first" in message_text(app)
        await pilot.press("end")
        await settle(pilot)
        assert message_text(app) == ""  # answered: the end is reached
        await pilot.press("y")
        await settle(pilot)
        await choose_file(pilot, "expired.pem")
        upload = next(item for item in key_bar(app) if item.description == "Upload")
        assert not upload.enabled
        await pilot.press("u")
        await settle(pilot)
        assert "problems that SEVIS would refuse" in message_text(app)


async def test_f1_in_the_actions_menu_explains_it(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActionsMenu)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and "Actions" in app.screen.help_title
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ActionsMenu)


async def test_saved_to_is_said_on_the_screen_not_in_a_notice(
    settings: Settings, home: Path
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        field = dialog.query_one(Input)
        assert field.cursor_position == len(field.value)  # the file name is edited
        target = str(dialog.query_one("#save-target").render()).split()
        assert target[:2] == ["Saves", "to"] and target[2].startswith("/")
        assert "".join(target[2:]).endswith("/prints/batch-agreement-P-1-00001-v1.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        assert not app._notifications  # no toast over the status line and the keys
        saved = str(home / "prints" / "batch-agreement-P-1-00001-v1.txt")
        assert message_text(app) == f"i Saved to {saved}"
        # The progress line and the key bar are still there, below the message.
        assert "read to the end" in str(app.screen.query_one("#progress").render())


async def test_login_box_stays_put_when_a_message_appears(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.screen.query_one("#login-form")
        before = form.region.x
        await log_in(pilot, password="not-the-password-1")
        assert isinstance(app.screen, LoginScreen) and message_text(app)
        assert form.region.x == before > 0


async def test_sponsor_keys_wait_for_the_program(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        screen = SponsorScreen("P-1-00001")
        assert screen.why_not("actions").startswith("The program is still loading")


def test_key_line_keeps_the_first_keys_and_says_f1_more() -> None:
    items = [
        KeyItem("f1", "Help", True, 0),
        KeyItem("esc", "Back", True, 0),
        KeyItem("^s", "Sort", True, 1),
        KeyItem("^r", "Reload", False, 1),
        KeyItem("^p", "palette", True, 4),
    ]
    assert (
        key_line(items, 200).plain.rstrip() == " f1 Help  esc Back  ^s Sort  ^r Reload  ^p palette"
    )
    narrow = key_line(items, 40).plain
    assert narrow == " f1 Help  esc Back  ^s Sort  F1 more" and len(narrow) <= 40


def test_wrapped_lines_continue_under_their_text() -> None:
    line = Text("    ERROR   The certificate expired on 2026-01-01, SEVIS refuses it. [expired]")
    wrapped = wrap_text(line, 40, label_indent(line)).plain.splitlines()
    assert wrapped[0].startswith("    ERROR   The")
    assert all(row.startswith(" " * 12) and row[12] != " " for row in wrapped[1:]), wrapped
    # A path too long for any line starts where it is, broken after a "/".
    path = Text("i Saved to /home/jsmith/sevis-tui/batch-agreement-P-1-00001-v1.txt")
    rows = wrap_text(path, 36, 2).plain.splitlines()
    assert rows == ["i Saved to /home/jsmith/sevis-tui/", "  batch-agreement-P-1-00001-v1.txt"]

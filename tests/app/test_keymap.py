"""[keys] in the config remaps a key: the new key acts, the old one does not, and the key bar
and F1 (its text and its table) show the new key."""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace
from textual.widgets import Markdown

from sevis_tui.settings.config import load_settings, paths
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.help import HelpScreen
from sevis_tui.tui.screens.inspect import InspectScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.widgets.key_line import KeyLine

from .pilot_support import settle


def remapped_app(home: Path) -> SevisApp:
    config = paths().config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keys]\n"screen.help" = "f2"\nlogin.inspect = "f6"\n', encoding="utf-8")
    settings = load_settings()
    return SevisApp(replace(settings, ui=replace(settings.ui, print_folder=str(home / "prints"))))


def bar(app: SevisApp) -> list[tuple[str, str]]:
    return [(item.key, item.description) for item in app.screen.query_one(KeyLine).items]


async def test_a_remapped_key_acts_and_help_and_the_bar_show_it(home: Path) -> None:
    app = remapped_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        shown = bar(app)
        assert ("f2", "Help") in shown and ("f6", "Inspect files offline") in shown, shown
        assert not {"f1", "^o"} & {key for key, _ in shown}, shown
        # The old keys do nothing now.
        await pilot.press("f1", "ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        # F2 opens help; its text and its table name the keys in force.
        await pilot.press("f2")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        source = help_screen.query_one(Markdown).source
        assert "Press **f6** to check certificate files offline" in source, source
        assert "| f6 | Inspect files offline |" in source, source
        assert "| f2 | Help |" in source, source
        assert "Ctrl+O" not in source and "| f1 |" not in source, source
        await pilot.press("escape")
        await settle(pilot)
        # The new key acts.
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, InspectScreen)
        assert ("f2", "Help") in bar(app)


async def test_help_without_a_keymap_names_the_shipped_keys(plain_settings: object) -> None:
    from sevis_tui.settings.config import Settings

    assert isinstance(plain_settings, Settings)
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        source = app.screen.query_one(Markdown).source
        assert "Press **^o** to check" in source, source
        assert "| f1 | Help |" in source and "| ^q | Quit |" in source, source
        # Keys the bar leaves out are in the table too.
        assert "| tab | Focus Next |" in source, source

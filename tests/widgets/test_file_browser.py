"""Pilot tests: every key of the file browser, on real folders in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sevis_tui.tui.widgets.path_input import PathInput

from .browser_app import PEM, BrowserApp, settle, wait_for_workers


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "certs"
    root.mkdir()
    (root / "Beta").mkdir()
    (root / "alpha").mkdir()
    (root / "alpha" / "inner.pem").write_bytes(PEM)
    (root / "jsmith.cer").write_bytes(b"no header, but the name says certificate")
    (root / "content-only.bin").write_bytes(PEM)
    (root / "notes.txt").write_text("hello\n")
    (root / "Zeta.txt").write_text("z\n")
    (root / ".hidden.pem").write_bytes(PEM)
    return root


async def test_lists_folders_first_then_files_by_name(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        assert app.row_labels() == [
            "alpha",
            "Beta",
            "content-only.bin",
            "jsmith.cer",
            "notes.txt",
            "Zeta.txt",
        ]
        assert app.folders() == [folder]
        text = app.screen_text()
        assert str(folder) in text
        assert "6 of 7 shown · 2 certificate files" in text
        # Certificate-like rows are marked: by extension and by content.
        assert "◆ content-only.bin" in text
        assert "◆ jsmith.cer" in text
        assert "◆ notes.txt" not in text


async def test_cursor_keys(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        file_list = app.browser.file_list
        for key, expected in [
            ("down", 1),
            ("down", 2),
            ("up", 1),
            ("up", 0),
            ("up", 0),
            ("end", 5),
            ("home", 0),
            ("pagedown", 5),
            ("pageup", 0),
        ]:
            await pilot.press(key)
            assert file_list.cursor == expected, key
        await pilot.press("down")
        await pilot.pause()
        assert app.highlighted()[-1] == folder / "Beta"


async def test_page_keys_move_by_a_screen(tmp_path: Path) -> None:
    for index in range(100):
        (tmp_path / f"file-{index:03d}").write_text("x")
    app = BrowserApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        file_list = app.browser.file_list
        page = file_list.page_height
        await pilot.press("pagedown")
        assert file_list.cursor == page
        await pilot.press("pagedown", "pageup")
        assert file_list.cursor == page
        await pilot.press("end")
        assert file_list.cursor == 99
        await pilot.pause()
        assert "file-099" in app.screen_text()


async def test_enter_opens_folder_and_backspace_returns(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.browser.folder == str(folder / "alpha")
        assert app.row_labels() == ["inner.pem"]
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.browser.folder == str(folder)
        # The cursor comes back to the folder we left.
        assert app.browser.file_list.highlighted is not None
        assert app.browser.file_list.highlighted.name == "alpha"
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.browser.folder == str(folder)
        assert app.folders() == [folder, folder / "alpha", folder, folder / "Beta", folder]


async def test_enter_on_file_posts_file_chosen(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.chosen() == [folder / "Zeta.txt"]


async def test_tilde_goes_home(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "in-home.pem").write_bytes(PEM)
    monkeypatch.setenv("HOME", str(home))
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("~")
        await settle(app, pilot)
        assert app.browser.folder == str(home)
        assert app.row_labels() == ["in-home.pem"]


async def test_slash_filters_and_escape_clears(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "T", "x")
        await pilot.pause()
        # Case-insensitive substring; keys bound elsewhere ("t", "x") are filter text here.
        assert app.row_labels() == ["notes.txt", "Zeta.txt"]
        assert "Filter: Tx" in app.screen_text()
        assert "2 of 7 shown" in app.screen_text()
        await pilot.press("backspace")
        assert app.browser.filter_text == "T"
        await pilot.press("escape")
        await pilot.pause()
        assert app.browser.filter_text == ""
        assert len(app.row_labels()) == 6
        assert app.backs == 0
        # With no filter, escape is not swallowed: the screen gets it (to go back).
        await pilot.press("escape")
        assert app.backs == 1


async def test_every_letter_filters_from_the_first(folder: Path) -> None:
    # Letters that were once bound (j, k, h, a, g) are filter text like any other.
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"jsm")
        await pilot.pause()
        assert app.browser.filter_text == "jsm"
        assert app.row_labels() == ["jsmith.cer"]
        await pilot.press("escape")
        for letters, expected in (("alph", ["alpha"]), ("ga", []), ("h", ["alpha", "jsmith.cer"])):
            await pilot.press(*letters)
            await pilot.pause()
            assert app.browser.filter_text == letters
            assert app.row_labels() == expected, letters
            await pilot.press("escape")
        assert app.browser.file_list.cursor == 0  # no letter moved the cursor
        assert app.browser.folder == str(folder)  # nor went up a folder


async def test_typing_starts_the_filter(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o", "n")
        await pilot.pause()
        assert app.browser.filter_open
        assert app.row_labels() == ["content-only.bin"]
        await pilot.press("z")
        await pilot.pause()
        assert app.row_labels() == []
        assert "Nothing matches" in app.screen_text()
        await pilot.press("enter")  # nothing to open: no message, no crash
        assert app.chosen() == []


async def test_dot_toggles_hidden(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        assert ".hidden.pem" not in app.row_labels()
        await pilot.press(".")
        await pilot.pause()
        assert ".hidden.pem" in app.row_labels()
        assert "hidden shown" in app.screen_text()
        await pilot.press(".")
        assert ".hidden.pem" not in app.row_labels()


async def test_ctrl_t_toggles_certificates_only(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.row_labels() == ["alpha", "Beta", "content-only.bin", "jsmith.cer"]
        assert "certificates only" in app.screen_text()
        await pilot.press("ctrl+t")
        assert len(app.row_labels()) == 6


async def test_ctrl_l_goes_to_a_typed_path_with_tab_completion(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        path_input = app.query_one(PathInput)
        assert path_input.has_focus
        assert path_input.value == str(folder) + os.sep
        await pilot.press("a", "l", "tab")
        await wait_for_workers(app)
        await pilot.pause()
        assert path_input.value == str(folder / "alpha") + os.sep
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.browser.folder == str(folder / "alpha")
        assert not path_input.display
        assert app.browser.file_list.has_focus


async def test_go_to_reports_a_missing_path_and_escape_cancels(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await pilot.wait_for_scheduled_animations()
        assert isinstance(app.focused, PathInput)  # the field is open, as the officer sees
        await pilot.press("n", "o", "p", "e", "enter")
        await settle(app, pilot)
        assert "does not exist" in app.screen_text()
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query_one(PathInput).display
        assert app.backs == 0
        assert app.browser.folder == str(folder)


async def test_go_to_a_file_opens_its_folder_with_cursor_on_it(folder: Path) -> None:
    app = BrowserApp(folder / "alpha")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        app.query_one(PathInput).value = str(folder / "notes.txt")
        await pilot.press("enter")
        await settle(app, pilot)
        highlighted = app.browser.file_list.highlighted
        assert app.browser.folder == str(folder)
        assert highlighted is not None and highlighted.name == "notes.txt"


async def test_ctrl_r_reloads(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        (folder / "new.pem").write_bytes(PEM)
        assert "new.pem" not in app.row_labels()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "new.pem" in app.row_labels()


async def test_footer_shows_the_bindings(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(app, pilot)
        footer = app.screen_text().splitlines()[-1]
        for label in ("Open", "Parent", "Filter", "Hidden", "Go to", "Home", "Reload"):
            assert label in footer
        await pilot.press("slash")
        await pilot.pause()
        assert "Clear filter" in app.screen_text().splitlines()[-1]


async def test_start_folder_that_is_a_file_selects_it(folder: Path) -> None:
    app = BrowserApp(folder / "notes.txt")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        highlighted = app.browser.file_list.highlighted
        assert highlighted is not None and highlighted.name == "notes.txt"


async def test_mouse_click_moves_and_double_click_opens(folder: Path) -> None:
    app = BrowserApp(folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        file_list = app.browser.file_list
        await pilot.click(file_list, offset=(5, 3))
        assert file_list.cursor == 3
        await pilot.double_click(file_list, offset=(5, 1))
        await settle(app, pilot)
        assert app.browser.folder == str(folder / "Beta")

"""Bad input for the file browser: each case shows an inline message or still works."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from sevis_tui.folders import listing as file_listing
from sevis_tui.folders.listing import Kind
from sevis_tui.tui.widgets.folder_pane import LARGE_FOLDER_ENTRIES

from .browser_app import PEM, BrowserApp, settle


@pytest.fixture
def odd_folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "odd"
    root.mkdir()
    os.mkfifo(root / "a-fifo.pem")  # a certificate extension must not make us open it
    (root / "loop").symlink_to(root / "loop")
    (root / "broken").symlink_to(root / "missing")
    (root / "null-device").symlink_to("/dev/null")
    (root / "[bold red]markup[red] pem").write_bytes(PEM)
    (root / "esc\x1b[31mred").write_text("x")
    os.close(os.open(os.fsencode(root) + b"/caf\xe9-latin1.pem", os.O_CREAT | os.O_WRONLY))
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "a-socket"))
    yield root
    sock.close()


async def test_special_entries_are_listed_marked_and_never_opened(odd_folder: Path) -> None:
    app = BrowserApp(odd_folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)  # would hang if the FIFO were opened for reading
        kinds = {entry.label: entry.kind for entry in app.browser.entries}
        assert kinds["a-fifo.pem"] is Kind.FIFO
        assert kinds["a-socket"] is Kind.SOCKET
        assert kinds["null-device"] is Kind.DEVICE
        assert kinds["broken"] is Kind.BROKEN_LINK
        assert kinds["loop"] is Kind.BROKEN_LINK
        fifo = next(entry for entry in app.browser.entries if entry.kind is Kind.FIFO)
        assert not fifo.cert_like and fifo.size is None
        text = app.screen_text()
        for label in ("fifo", "socket", "device", "broken link"):
            assert label in text
        # Choosing a FIFO explains instead of posting FileChosen.
        app.browser.file_list.set_cursor(app.browser.file_list.rows.index(fifo))
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen() == []
        assert "a-fifo.pem is a fifo, not a file" in app.screen_words()


async def test_names_with_markup_escapes_and_bad_bytes_are_literal(odd_folder: Path) -> None:
    app = BrowserApp(odd_folder)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        text = app.screen_text()
        assert "[bold red]markup[red] pem" in text
        assert "esc␛[31mred" in text
        assert "caf\ufffd-latin1.pem" in text
        assert "\x1b" not in text
        # Filter and choose the undecodable name: FileChosen carries the real bytes.
        await pilot.press("slash", "c", "a", "f", "enter")
        await pilot.pause()
        [chosen] = app.chosen()
        assert os.fsencode(chosen) == os.fsencode(odd_folder) + b"/caf\xe9-latin1.pem"
        assert chosen.exists()


async def test_symlink_loops(odd_folder: Path) -> None:
    (odd_folder / "up").symlink_to(odd_folder)  # a folder link to its own parent
    assert "is a symbolic link loop" in file_listing.scan_folder(str(odd_folder / "loop")).error
    app = BrowserApp(odd_folder / "loop")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        # A start "folder" that cannot be followed opens its folder with the cursor on it.
        assert app.browser.folder == str(odd_folder)
        highlighted = app.browser.file_list.highlighted
        assert highlighted is not None and highlighted.name == "loop"
        await pilot.press("enter")
        await pilot.pause()
        assert "loop is a broken link, not a file" in app.screen_words()
        assert app.chosen() == []
        # A link back to the parent is just another folder, however deep one goes.
        await pilot.press("slash", "u", "p", "enter")
        await settle(app, pilot)
        await pilot.press("slash", "u", "p", "enter")
        await settle(app, pilot)
        assert app.browser.folder == str(odd_folder / "up" / "up")
        assert "up" in app.row_labels()


async def test_folder_that_disappears(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    (gone / "a.pem").write_bytes(PEM)
    app = BrowserApp(gone)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        shutil.rmtree(gone)
        await pilot.press("enter")  # choosing a vanished file is the screen's business
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        text = app.screen_text()
        assert "no longer exists" in text
        assert "This folder is empty." in text
        await pilot.press("backspace")
        await settle(app, pilot)
        assert app.browser.folder == str(tmp_path)


async def test_permission_denied_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        # Root reads every folder, so make the refusal happen where the OS would give it.
        real_scandir = os.scandir

        def refusing_scandir(path: str) -> Iterator[os.DirEntry[str]]:
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refusing_scandir)
    try:
        app = BrowserApp(locked)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(app, pilot)
            assert "permission denied. Choose another folder" in app.screen_words()
            assert app.folders() == []
    finally:
        locked.chmod(0o755)


async def test_a_very_large_folder_still_works(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    count = LARGE_FOLDER_ENTRIES + 500
    for index in range(count):
        os.close(os.open(big / f"f{index:06d}", os.O_CREAT | os.O_WRONLY))
    app = BrowserApp(big)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert f"Large folder: {count:,} entries" in app.screen_text()
        await pilot.press("end")
        assert app.browser.file_list.cursor == count - 1
        await pilot.press("slash", "0", "4", "9", "9", "9")
        await pilot.pause()
        assert app.row_labels() == ["f004999"] + [f"f04999{digit}" for digit in range(10)]

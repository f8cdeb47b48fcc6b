"""Where browsing starts: the configured folder, else the remembered one, else home."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from sevis_tui.cert import Policy
from sevis_tui.settings.config import shipped_settings
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser, start_folder
from sevis_tui.tui.widgets.file_browser import FileBrowser

from .browser_app import wait_for_workers


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def test_configured_folder_comes_first(tmp_path: Path, home: Path) -> None:
    remembered = tmp_path / "remembered"
    remembered.mkdir()
    assert start_folder(str(tmp_path), str(remembered)) == tmp_path
    assert start_folder(str(tmp_path), "/nowhere") == tmp_path


def test_remembered_folder_when_none_is_configured_or_it_is_gone(
    tmp_path: Path, home: Path
) -> None:
    assert start_folder("", str(tmp_path)) == tmp_path
    assert start_folder(str(tmp_path / "gone"), str(tmp_path)) == tmp_path


def test_home_when_neither_is_a_folder(tmp_path: Path, home: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    assert start_folder("", "") == home
    assert start_folder(str(tmp_path / "a-file"), "/nowhere") == home


def test_tilde_means_home(home: Path) -> None:
    (home / "certs").mkdir()
    assert start_folder("~/certs", "") == home / "certs"


class ChooserApp(App[None]):
    def __init__(self, chooser: CertificateChooser) -> None:
        super().__init__()
        self.chooser = chooser

    def compose(self) -> ComposeResult:
        yield self.chooser


async def test_for_app_uses_the_browser_settings(tmp_path: Path) -> None:
    settings = shipped_settings(
        {"browser": {"start_folder": str(tmp_path), "extensions": [".X"], "show_hidden": True}}
    )
    chooser = CertificateChooser.for_app(settings, "/nowhere", lambda: Policy())
    app = ChooserApp(chooser)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        browser = app.query_one(FileBrowser)
        assert browser.extensions == (".x",)
        assert browser.view.show_hidden
        assert browser.folder == str(tmp_path)

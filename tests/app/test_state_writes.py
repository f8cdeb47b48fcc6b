"""The remembered folder: kept in memory at once, written to the state file only when it changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevis_tui.settings.config import Settings, State, StateStore
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.widgets.file_browser import FileBrowser

from .pilot_support import settle


async def test_folder_written_only_when_it_changes(
    plain_settings: Settings, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore(home / "state.toml")
    written: list[str] = []
    save = store.save

    def counting_save(state: State) -> bool:
        written.append(state.last_folder)
        return save(state)

    monkeypatch.setattr(store, "save", counting_save)
    app = SevisApp(plain_settings, state_store=store)
    browser = FileBrowser()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for folder in (home / "a", home / "a", home / "b", home / "b", home / "a"):
            app.post_message(FileBrowser.FolderChanged(browser, folder))
            await settle(pilot)
        assert app.state.last_folder == str(home / "a")
    assert written == [str(home / "a"), str(home / "b"), str(home / "a")]
    assert StateStore(home / "state.toml").load().last_folder == str(home / "a")

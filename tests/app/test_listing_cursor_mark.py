"""The Listing's cursor row carries the ▶ marker, as the file browser's does: with NO_COLOR
the highlight is not seen, and the cursor row looked like the header row."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.programs import ProgramsScreen

from .pilot_support import log_in, settle


def marked_lines(table: DataTable[object]) -> list[str]:
    lines = [table.render_line(y).text for y in range(table.size.height)]
    return [line for line in lines if line.startswith("▶")]


async def test_the_cursor_row_is_marked_without_colour(
    plain_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        table = app.screen.query_one(DataTable)
        assert [line.split()[0] for line in marked_lines(table)] == ["▶P-1-00001"]
        await pilot.press("down", "down")
        await pilot.pause()
        assert [line.split()[0] for line in marked_lines(table)] == ["▶P-1-00003"]
        # The header row is never marked, and only one line of the two-line row is.
        assert not table.render_line(0).text.startswith("▶")

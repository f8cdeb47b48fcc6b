"""The agreement keeps the officer's place across a resize: the same fraction of the text, not
the same line number (51% read became 18% when the window narrowed), and a resize alone never
counts as reading to the end."""

from __future__ import annotations

import re

from textual.widgets import Static

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.agreement import AgreementScreen

from .pilot_support import log_in, settle


def percent_read(screen: AgreementScreen) -> int:
    note = str(screen.query_one("#progress", Static).render())
    found = re.search(r"\((\d+)% read\)", note)
    assert found, note
    return int(found[1])


async def test_the_place_in_the_agreement_survives_a_resize(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        await pilot.press("pagedown")
        await settle(pilot)
        before = percent_read(screen)
        assert 20 < before < 80
        for size in ((60, 20), (120, 40), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert abs(percent_read(screen) - before) <= 2, size
            assert not screen.read_to_end

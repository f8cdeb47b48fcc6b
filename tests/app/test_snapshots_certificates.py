"""The certificate screens pictured at 80x24 (the form only: a new key is never the same)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from sevis_tui.settings.config import Settings

from .snapshot_support import freeze, snapshot_app
from .test_snapshots import SnapCompare


async def request_form(pilot: Pilot[None]) -> None:
    """From the login screen (no login), Ctrl+N, the details typed, the cursor on the key."""
    await freeze(pilot)
    await pilot.press("ctrl+n")
    await freeze(pilot)
    await pilot.press(*"Jordan Smith", "enter", *"jsmith@example.edu", "enter")
    await pilot.press(*"Example University", "enter", *"jsmith6544", "enter")
    await freeze(pilot)


def test_request_a_certificate(
    snap_compare: SnapCompare, plain_settings: Settings, home: Path
) -> None:
    assert snap_compare(snapshot_app(plain_settings, home), run_before=request_form)

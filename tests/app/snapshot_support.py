"""Deterministic apps for snapshots: a fixed clock in the service, blinking cursors frozen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
from textual.pilot import Pilot
from textual.widgets import Input

from sevis_tui.api.client import SevisClient
from sevis_tui.api.embedded import EMBEDDED_BASE_URL
from sevis_tui.app import ClientFactory, SevisApp
from sevis_tui.config import Settings

FIXED_NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


def fixed_clock_factory(database: Path) -> ClientFactory:
    async def factory(settings: Settings) -> SevisClient:
        from sevis_tui.service.app import create_app

        app = create_app(database, demo=True, clock=fixed_clock, settings=settings)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    return factory


def snapshot_app(settings: Settings, home: Path) -> SevisApp:
    return SevisApp(settings, client_factory=fixed_clock_factory(home / "snapshots.db"))


async def freeze(pilot: Pilot[None]) -> None:
    """Wait for all work, then stop cursors blinking so the picture is stable."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()

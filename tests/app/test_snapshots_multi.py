"""The results table of one certificate registered for several programs, at 80x24: two
registered, one failed on the wire (a 500 injected at the transport), with what to do."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import httpx
import msgspec
import pytest
from textual.pilot import Pilot

from sevis_tui.api.client import SevisClient
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL

from .faults import FaultyTransport, server_error
from .snapshot_support import fixed_certificate_folder, fixed_clock, freeze
from .test_snapshots import logged_in

SnapCompare = Callable[..., bool]


@pytest.fixture
def numbered(monkeypatch: pytest.MonkeyPatch) -> None:
    # Confirmation numbers are random: fixed ones (unique, as the service requires).
    count = itertools.count(1)
    monkeypatch.setattr(
        "sevis_tui.service.registrations.new_confirmation_number",
        lambda tx, now: f"SBR-2026-TEST-{next(count):04d}",
    )


def results_app(settings: Settings, home: Path) -> SevisApp:
    folder = fixed_certificate_folder(home / "home" / "certs")
    settings = msgspec.structs.replace(
        settings, browser=msgspec.structs.replace(settings.browser, start_folder=str(folder))
    )

    async def factory(settings: Settings) -> SevisClient:
        from sevis_tui.wiring.local_service import create_app

        app = create_app(home / "multi.db", demo=True, clock=fixed_clock, settings=settings)
        transport = FaultyTransport(inner=httpx.ASGITransport(app=app))
        transport.arm("P-1-00003/batch/certificate", server_error)
        http = httpx.AsyncClient(transport=transport, base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    return SevisApp(settings, client_factory=factory, clock=fixed_clock)


def test_results_table_80x24(
    snap_compare: SnapCompare, plain_settings: Settings, home: Path, numbered: None
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await logged_in(pilot)
        for key in ("ctrl+a", "ctrl+g", "end", "y", *"jsmith", "enter", "u", "y"):
            await pilot.press(key)
            await freeze(pilot)

    assert snap_compare(results_app(plain_settings, home), run_before=run_before)

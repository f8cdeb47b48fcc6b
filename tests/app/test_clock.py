"""The app runs on an injected clock: its session line, the remembered last login and the
offline checks (through the policy factory) follow it, on 1 January 2027 and 29 February 2028
as on any day. The embedded service gets the same clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from sevis_tui.api.client import SevisClient
from sevis_tui.cert import Policy
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL

from .pilot_support import log_in, settle

DATES = {
    "new-year": (dt.datetime(2027, 1, 1, 0, 0, 5, tzinfo=dt.UTC), "15 Feb 2027"),
    "leap-day": (dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC), "14 Apr 2028"),
}


def clocked_app(settings: Settings, database: Path, now: dt.datetime) -> SevisApp:
    def clock() -> dt.datetime:
        return now

    async def client_factory(settings: Settings) -> SevisClient:
        from sevis_tui.wiring.local_service import create_app

        service = create_app(database, demo=True, clock=clock, settings=settings)
        transport = httpx.ASGITransport(app=service)
        return SevisClient(httpx.AsyncClient(transport=transport, base_url=EMBEDDED_BASE_URL))

    return SevisApp(settings, client_factory=client_factory, clock=clock)


@pytest.mark.parametrize("date", list(DATES))
async def test_the_app_follows_its_clock(plain_settings: Settings, home: Path, date: str) -> None:
    now, inactive_day = DATES[date]
    app = clocked_app(plain_settings, home / "clock.db", now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        assert any(inactive_day in line for line in app.session_lines)
        assert app.state.last_login["jsmith6544"] == now.isoformat(timespec="seconds")
        policy = app.get_policy()
        assert policy.current_time() == now


def test_a_policy_factory_replaces_the_policy(plain_settings: Settings) -> None:
    made: list[tuple[Settings, dt.datetime]] = []
    fixed = dt.datetime(2028, 2, 29, tzinfo=dt.UTC)

    def factory(settings: Settings, clock: object) -> Policy:
        made.append((settings, fixed))
        return Policy(now=fixed)

    app = SevisApp(plain_settings, policy_factory=factory)
    assert app.get_policy() is app.get_policy()  # made once
    assert made == [(plain_settings, fixed)] and app.get_policy().current_time() == fixed

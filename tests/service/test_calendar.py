"""The service's dated rules on the injected clock, on three dates: today, the first second of
2027 (the year turns over) and 29 February 2028 (a leap day); in-process and over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .support import code

DATES = pytest.mark.parametrize("clock", ["today", "new-year", "leap-day"], indirect=True)
LOGIN = {"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD}
UPLOAD = "programs/P-1-00001/batch/certificate"


@DATES
async def test_login_dates_follow_the_clock(api: httpx.AsyncClient, clock: Any) -> None:
    body = (await api.post("session", json=LOGIN)).json()
    assert body["user"]["inactive_on"] == (clock.now + dt.timedelta(days=45)).date().isoformat()
    seeded = (clock.now - dt.timedelta(days=3)).date().isoformat()  # the seed's "last login"
    assert body["user"]["last_login"].startswith(seeded)
    clock.advance(days=45)
    assert (await api.post("session", json=LOGIN)).status_code == 200
    clock.advance(days=45, seconds=1)
    inactive = await api.post("session", json=LOGIN)
    assert (inactive.status_code, code(inactive)) == (403, "account_inactive")


@DATES
async def test_sessions_idle_out_across_midnight(api: httpx.AsyncClient, clock: Any) -> None:
    clock.now = clock.now.replace(hour=23, minute=50, second=0)
    token = (await api.post("session", json=LOGIN)).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(minutes=19)  # past midnight
    assert (await api.get("programs", headers=headers)).status_code == 200
    clock.advance(minutes=20, seconds=1)
    expired = await api.get("programs", headers=headers)
    assert (expired.status_code, code(expired)) == (401, "session_expired")


@DATES
async def test_certificate_dates_are_judged_at_the_clock(
    api: httpx.AsyncClient, clock: Any, certs: Any
) -> None:
    token = (await api.post("session", json=LOGIN)).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    accepted = await api.post(
        "programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=headers
    )
    assert accepted.status_code == 201
    now = clock.now
    cases = {
        "expired": {"not_before": now - dt.timedelta(days=30), "not_after": now - dt.timedelta(1)},
        "not_yet_valid": {"not_before": now + dt.timedelta(days=1)},
    }
    for number, (expected, dates) in enumerate(cases.items()):
        data = certs.pem(**dates)
        answer = await api.post(
            UPLOAD, content=data, headers={**headers, "Idempotency-Key": f"{number}"}
        )
        assert answer.status_code == 422
        assert expected in {finding["code"] for finding in answer.json()["findings"]}
    soon = certs.pem(not_after=now + dt.timedelta(days=10))
    answer = await api.post(UPLOAD, content=soon, headers={**headers, "Idempotency-Key": "soon"})
    assert answer.status_code == 201
    assert "expires_soon" in {warning["code"] for warning in answer.json()["warnings"]}
    assert answer.json()["number"].startswith(f"SBR-{now.year}-")
    assert dt.datetime.fromisoformat(answer.json()["time"].replace("Z", "+00:00")) == now

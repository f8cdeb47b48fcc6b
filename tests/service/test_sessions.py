"""Logging in and out: scrypt hashes, lockout, inactivity, idle sessions, bad bodies."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .conftest import Query
from .support import code

# Run on both engines, SQLite and PostgreSQL (tests/service/conftest.py, pg_support.py).
BOTH_ENGINES = True


async def attempt(http: httpx.AsyncClient, password: str) -> httpx.Response:
    return await http.post("session", json={"user_id": DEMO_USER_ID, "password": password})


async def test_login_returns_token_user_and_dates(http: httpx.AsyncClient, clock: Any) -> None:
    start = clock.now
    response = await attempt(http, DEMO_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 40
    assert body["user"]["user_id"] == DEMO_USER_ID
    assert body["user"]["name"] == "Jordan Smith"
    # The seed gave the demo user a login three days before; this login is not yet "last".
    assert body["user"]["last_login"].startswith(
        (clock.now - dt.timedelta(days=3)).date().isoformat()
    )
    assert body["user"]["inactive_on"] == (clock.now + dt.timedelta(days=45)).date().isoformat()
    clock.advance(hours=1)
    again = (await attempt(http, DEMO_PASSWORD)).json()
    previous = dt.datetime.fromisoformat(again["user"]["last_login"].replace("Z", "+00:00"))
    assert previous == start


async def test_passwords_and_tokens_are_stored_hashed(
    http: httpx.AsyncClient, database: Path, query: Query, engine: str
) -> None:
    token = (await attempt(http, DEMO_PASSWORD)).json()["token"]
    (hashed,) = query("SELECT password FROM users WHERE user_id = ?", DEMO_USER_ID)[0]
    sessions = [row[0] for row in query("SELECT token_sha256 FROM sessions")]
    assert hashed.startswith("scrypt$") and DEMO_PASSWORD not in hashed
    assert token not in sessions and len(sessions) == 1
    if engine == "sqlite":
        raw = b"".join(path.read_bytes() for path in database.parent.glob("sevis.db*"))
        assert DEMO_PASSWORD.encode() not in raw and token.encode() not in raw


async def test_three_failures_lock_until_admin_unlock(
    http: httpx.AsyncClient, store_location: Path | str, query: Query
) -> None:
    first = await attempt(http, "wrong-password-1")
    assert (first.status_code, code(first)) == (401, "invalid_credentials")
    assert first.json()["error"]["attempts_left"] == 2
    second = await attempt(http, "wrong-password-2")
    assert second.json()["error"]["attempts_left"] == 1
    third = await attempt(http, "wrong-password-3")
    assert (third.status_code, code(third)) == (423, "account_locked")
    # Even the right password is refused now.
    locked = await attempt(http, DEMO_PASSWORD)
    assert (locked.status_code, code(locked)) == (423, "account_locked")
    unlock = subprocess.run(
        [
            sys.executable,
            "-m",
            "sevis_tui",
            "serve",
            "admin",
            "unlock",
            DEMO_USER_ID,
            "--db",
            str(store_location),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unlock.returncode == 0, unlock.stderr
    assert (await attempt(http, DEMO_PASSWORD)).status_code == 200
    results = [row[0] for row in query("SELECT result FROM audit WHERE action='login' ORDER BY id")]
    assert results == ["invalid_credentials"] * 2 + ["account_locked"] * 2 + ["ok"]


async def test_a_success_resets_the_failure_count(http: httpx.AsyncClient) -> None:
    await attempt(http, "wrong-password-1")
    await attempt(http, "wrong-password-2")
    assert (await attempt(http, DEMO_PASSWORD)).status_code == 200
    again = await attempt(http, "wrong-password-3")
    assert again.json()["error"]["attempts_left"] == 2


async def test_unknown_user_and_case_sensitivity(http: httpx.AsyncClient) -> None:
    unknown = await http.post("session", json={"user_id": "nobody0000", "password": "x" * 12})
    assert (unknown.status_code, code(unknown)) == (401, "invalid_credentials")
    assert unknown.json()["error"]["attempts_left"] == 2  # as for a real user ID
    upper = await http.post(
        "session", json={"user_id": DEMO_USER_ID.upper(), "password": DEMO_PASSWORD}
    )
    assert upper.status_code == 401
    assert (await attempt(http, DEMO_PASSWORD.lower())).status_code == 401


async def test_45_days_without_login_make_the_user_inactive(
    http: httpx.AsyncClient, clock: Any
) -> None:
    clock.advance(days=44)
    assert (await attempt(http, DEMO_PASSWORD)).status_code == 200
    clock.advance(days=46)
    response = await attempt(http, DEMO_PASSWORD)
    assert (response.status_code, code(response)) == (403, "account_inactive")


async def test_session_ends_after_20_idle_minutes(
    http: httpx.AsyncClient, auth: dict[str, str], clock: Any
) -> None:
    clock.advance(minutes=19)
    assert (await http.get("programs", headers=auth)).status_code == 200
    clock.advance(minutes=19)  # activity restarted the idle clock
    assert (await http.get("programs", headers=auth)).status_code == 200
    clock.advance(minutes=20, seconds=1)
    expired = await http.get("programs", headers=auth)
    assert (expired.status_code, code(expired)) == (401, "session_expired")


async def test_logout_ends_the_session(http: httpx.AsyncClient, auth: dict[str, str]) -> None:
    assert (await http.delete("session", headers=auth)).status_code == 204
    after = await http.get("programs", headers=auth)
    assert (after.status_code, code(after)) == (401, "not_authenticated")
    assert (await http.delete("session", headers=auth)).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}],
)
async def test_requests_without_a_session_are_401(
    http: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for path in ("programs", "programs/P-1-00001", "batch/agreement", "programs/P-1-00001/batch"):
        response = await http.get(path, headers=headers)
        assert (response.status_code, code(response)) == (401, "not_authenticated")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "malformed_json"),
        (b"", "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        (b"[1, 2]", "malformed_json"),
        (b'{"user_id": "jsmith6544"}', "invalid_field"),
        (b'{"password": "x"}', "invalid_field"),
        (b'{"user_id": 12, "password": "x"}', "invalid_field"),
        (b'{"user_id": "jsmith6544", "password": null}', "invalid_field"),
    ],
)
async def test_bad_login_bodies_are_400(
    http: httpx.AsyncClient, body: bytes, expected: str
) -> None:
    response = await http.post("session", content=body)
    assert (response.status_code, code(response)) == (400, expected)


async def test_huge_json_body_is_413(http: httpx.AsyncClient) -> None:
    response = await http.post("session", content=b'{"user_id": "' + b"a" * 100_000 + b'"}')
    assert (response.status_code, code(response)) == (413, "too_large")


async def test_unknown_paths_and_methods_use_the_error_shape(http: httpx.AsyncClient) -> None:
    missing = await http.get("nothing/here")
    assert (missing.status_code, code(missing)) == (404, "not_found")
    wrong = await http.put("session")
    assert (wrong.status_code, code(wrong)) == (405, "method_not_allowed")

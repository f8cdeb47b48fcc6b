"""Fixtures for the service tests: an isolated home, a movable clock, a seeded demo service
reached in-process through httpx.ASGITransport, and certificates from the demo issuer."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sevis_tui.cert import factory
from sevis_tui.service.app import create_app
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

# Real time (the demo issuer is made now and must be valid), fixed for the whole session.
START = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


class MovableClock:
    """The service's clock, moved by the test (never sleeps)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a seeded database and demo issuer, built once and copied per test."""
    home = tmp_path_factory.mktemp("template")
    saved = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    try:
        template = create_app(
            home / "data" / "sevis-tui" / "sevis.db", clock=lambda: START, demo=True
        )
        template.state.service.store.close()  # a complete file, no WAL left to copy
    finally:
        if saved is None:
            del os.environ["XDG_DATA_HOME"]
        else:
            os.environ["XDG_DATA_HOME"] = saved
    return home


@pytest.fixture(autouse=True)
def isolated_home(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, template_home: Path
) -> Path:
    """Extends tests/conftest.py's isolation: the data folder starts as a copy of the template."""
    shutil.copytree(template_home / "data", isolated_home / "data")
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated_home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(isolated_home / "state"))
    return isolated_home


@pytest.fixture(scope="session")
def personal_key() -> factory.PrivateKey:
    """One RSA key reused by every test certificate (key generation is the slow part)."""
    return factory.new_key("rsa", 2048)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
def database(isolated_home: Path) -> Path:
    return isolated_home / "data" / "sevis-tui" / "sevis.db"


@pytest.fixture
def app(database: Path, clock: MovableClock) -> Starlette:
    return create_app(database, clock=clock, demo=True, busy_timeout=0.2)


@pytest.fixture
def issuer() -> factory.Issued:
    from sevis_tui.service.demo import ensure_demo_issuer

    return ensure_demo_issuer()


@dataclass
class Certs:
    issuer: factory.Issued
    key: factory.PrivateKey
    clock: MovableClock

    def good(self, **options: Any) -> factory.Issued:
        start = self.clock.now - dt.timedelta(days=1)
        options.setdefault("not_before", start)
        options.setdefault("not_after", start + dt.timedelta(days=365))
        return factory.make_personal(self.issuer, key=self.key, **options)

    def pem(self, **options: Any) -> bytes:
        return factory.pem(self.good(**options).certificate)


@pytest.fixture
def certs(issuer: factory.Issued, personal_key: factory.PrivateKey, clock: MovableClock) -> Certs:
    return Certs(issuer, personal_key, clock)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1/") as client:
        yield client


LogIn = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def login(http: httpx.AsyncClient) -> LogIn:
    """Log in (the demo user by default) and return the Authorization header."""

    async def log_in(user_id: str = DEMO_USER_ID, password: str = DEMO_PASSWORD) -> dict[str, str]:
        response = await http.post("session", json={"user_id": user_id, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return log_in


@pytest.fixture
async def auth(login: LogIn) -> dict[str, str]:
    return await login()

"""Fixtures for the service tests: an isolated home, a movable clock, a seeded demo service
reached in-process through httpx.ASGITransport, and certificates from the demo issuer.

Every service test runs on the injected clock, never the system's: by default on START; a
test parametrized with `clock` (indirect) runs on each of CLOCK_STARTS, which include the
first second of 2027 and 29 February 2028. The demo issuer is made for the clock's time.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sevis_tui.cert import factory
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.wiring.local_service import create_app

from .pg_support import Cluster, missing_reason

START = dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC)
CLOCK_STARTS = {
    "today": START,
    "new-year": dt.datetime(2027, 1, 1, 0, 0, 5, tzinfo=dt.UTC),
    "leap-day": dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC),
}


class MovableClock:
    """The service's clock, moved by the test (never sleeps)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Callable[[dt.datetime], Path]:
    """Data folders with a seeded database and demo issuer, one per clock start, each built
    once and copied per test."""
    made: dict[dt.datetime, Path] = {}

    def template(start: dt.datetime) -> Path:
        if start not in made:
            home = tmp_path_factory.mktemp("template")
            saved = os.environ.get("XDG_DATA_HOME")
            os.environ["XDG_DATA_HOME"] = str(home / "data")
            try:
                app = create_app(
                    home / "data" / "sevis-tui" / "sevis.db", clock=lambda: start, demo=True
                )
                app.state.service.store.close()  # a complete file, no WAL left to copy
            finally:
                if saved is None:
                    del os.environ["XDG_DATA_HOME"]
                else:
                    os.environ["XDG_DATA_HOME"] = saved
            made[start] = home
        return made[start]

    return template


@pytest.fixture(autouse=True)
def isolated_home(
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    templates: Callable[[dt.datetime], Path],
    clock: MovableClock,
) -> Path:
    """Extends tests/conftest.py's isolation: the data folder starts as a copy of the template
    made for the test's clock."""
    shutil.copytree(templates(clock.now) / "data", isolated_home / "data")
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated_home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(isolated_home / "state"))
    return isolated_home


@pytest.fixture(scope="session")
def personal_key() -> factory.PrivateKey:
    """One RSA key reused by every test certificate (key generation is the slow part)."""
    return factory.new_key("rsa", 2048)


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> MovableClock:
    """START, or the start a test asks for: parametrize("clock", [...], indirect=True)."""
    start = getattr(request, "param", "today")
    return MovableClock(CLOCK_STARTS[start])


@pytest.fixture
def database(isolated_home: Path) -> Path:
    return isolated_home / "data" / "sevis-tui" / "sevis.db"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A real PostgreSQL for this test process (tests/service/pg_support.py), or a skip."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    cluster = Cluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def pg_templates(pg_cluster: Cluster) -> Callable[[dt.datetime], str]:
    """Databases seeded like the SQLite templates, one per clock start, each made once."""
    made: dict[dt.datetime, str] = {}

    def template(start: dt.datetime) -> str:
        if start not in made:
            name = pg_cluster.create_database()
            app = create_app(pg_cluster.url(name), clock=lambda: start, demo=True)
            app.state.service.store.close()  # no connection left: CREATE DATABASE copies it
            made[start] = name
        return made[start]

    return template


@pytest.fixture
def pg_url(
    pg_cluster: Cluster, pg_templates: Callable[[dt.datetime], str], clock: MovableClock
) -> Iterator[str]:
    """A database of this test's own on the test PostgreSQL, seeded with the demo data."""
    name = pg_cluster.create_database(template=pg_templates(clock.now))
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The store's engine: sqlite, or what a test asks for with
    parametrize("engine", ENGINES, indirect=True)."""
    return str(getattr(request, "param", "sqlite"))


ENGINES = ["sqlite", "postgresql"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module with `BOTH_ENGINES = True` runs each of its tests that reach the store (through
    the app, the store's location or the batch listener) on SQLite and on PostgreSQL."""
    if getattr(metafunc.module, "BOTH_ENGINES", False) and "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def store_location(request: pytest.FixtureRequest, engine: str, database: Path) -> Path | str:
    """The demo database the test's service uses: the SQLite file, or a PostgreSQL URL."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return database


@pytest.fixture
def app(store_location: Path | str, clock: MovableClock) -> Iterator[Starlette]:
    app = create_app(store_location, clock=clock, demo=True, busy_timeout=0.2)
    yield app
    if isinstance(store_location, str):
        app.state.service.store.close()  # its pool's connections, before the database goes


Query = Callable[..., list[tuple[Any, ...]]]


@pytest.fixture
def query(app: Starlette) -> Query:
    """Rows read through the service's own store, on either engine: query(SQL, *params)."""
    store = app.state.service.store

    def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in store.read(lambda tx: tx.execute(sql, params).fetchall())]

    return rows


@pytest.fixture
def service_store(app: Starlette) -> Any:
    """The store of the test's service (either engine), to change data behind its back."""
    return app.state.service.store


@pytest.fixture
def issuer() -> factory.Issued:
    from sevis_tui.wiring.local_service import ensure_demo_issuer

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


@pytest.fixture(params=["in-process", "loopback-http"])
async def api(request: pytest.FixtureRequest, app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The service twice: in-process (ASGI), and over real HTTP from uvicorn on 127.0.0.1."""
    from .background import BackgroundServer

    if request.param == "in-process":
        transport = in_process(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1/") as c:
            yield c
        return
    with BackgroundServer(app) as server:
        async with httpx.AsyncClient(base_url=server.url + "/api/v1/", timeout=30) as client:
            yield client


def in_process(app: Starlette) -> httpx.ASGITransport:
    """The service in-process as the app's embedded client sees it (sevis_tui/wiring/embedded.py):
    an unexpected error is its 500 answer, as from a server, not an exception in the client
    (Starlette re-raises it after answering, for a server to log)."""
    return httpx.ASGITransport(app=app, raise_app_exceptions=False)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = in_process(app)
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

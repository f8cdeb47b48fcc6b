"""Two `serve` processes on one PostgreSQL are one service (docs/architecture.md, "Several
instances"): sessions, the lockout, Idempotency-Keys, batch IDs and the audit order hold
across them, because they are kept and decided in the database.

Each test starts two real `sevis-tui serve --db postgresql://...` processes (the system's
clock: every date the test makes is relative to it) on a database of its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.api.batch_client import BatchClient, BatchIdentity
from sevis_tui.cert import factory
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.wiring.local_service import ensure_demo_issuer

from .batch.conftest import batch_xml
from .pg_support import Cluster
from .support import Instance, code, ready, spawn_serve

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
PROGRAM = "P-1-00001"
ADMIN = [sys.executable, "-m", "sevis_tui", "serve", "admin"]


@dataclass
class Pair:
    a: Instance
    b: Instance
    database_url: str

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as connection:
            return [tuple(row) for row in connection.execute(sql, params)]  # type: ignore[arg-type]


@pytest.fixture
def pair(pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    """Two instances on one new database, started together: migrating and seeding it (--demo)
    are transactions under the database's locks, so they run once."""
    # A data folder of their own, so that the demo issuer is made for today's date (here,
    # before they start, so that both load the same one).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "instances-data"))
    ensure_demo_issuer()
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    a = spawn_serve(url, tmp_path / "a.log")
    b = spawn_serve(url, tmp_path / "b.log")
    try:
        ready(a, tmp_path / "a.log")
        ready(b, tmp_path / "b.log")
        yield Pair(a, b, url)
    finally:
        for instance in (a, b):
            instance.process.terminate()
        for instance in (a, b):
            instance.process.wait(30)
        pg_cluster.drop_database(name)


async def log_in(client: httpx.AsyncClient, password: str = DEMO_PASSWORD) -> httpx.Response:
    return await client.post("session", json={"user_id": DEMO_USER_ID, "password": password})


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_a_session_from_one_instance_works_and_ends_on_the_other(pair: Pair) -> None:
    async with pair.a.client() as a, pair.b.client() as b:
        token = bearer(await log_in(a))
        assert (await b.get("programs", headers=token)).status_code == 200
        assert (await b.delete("session", headers=token)).status_code == 204
        ended = await a.get("programs", headers=token)
        assert (ended.status_code, code(ended)) == (401, "not_authenticated")
        # A password reset (serve admin, a third process) ends the sessions on both.
        again = bearer(await log_in(b))
        assert (await a.get("programs", headers=again)).status_code == 200
        reset = subprocess.run(
            [
                *ADMIN,
                "set-password",
                DEMO_USER_ID,
                "--db",
                pair.database_url,
                "--password-file",
                "-",
            ],
            input=b"another-long-password-1\n",
            capture_output=True,
            check=False,
        )
        assert reset.returncode == 0, reset.stderr
        for client in (a, b):
            assert (await client.get("programs", headers=again)).status_code == 401


async def test_twelve_parallel_wrong_passwords_over_two_instances_lock_after_three(
    pair: Pair,
) -> None:
    async with pair.a.client() as a, pair.b.client() as b:
        answers = await asyncio.gather(
            *(log_in((a, b)[n % 2], f"wrong-password-{n}") for n in range(12))
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [401] * 2 + [423] * 10
        left = sorted(a.json()["error"]["attempts_left"] for a in answers if a.status_code == 401)
        assert left == [1, 2]
        assert (await log_in(b)).status_code == 423
    assert pair.rows(
        "SELECT failed_logins, locked_at IS NOT NULL FROM users WHERE user_id = %s", DEMO_USER_ID
    ) == [(3, True)]
    counted = pair.rows(
        "SELECT count(*) FROM audit WHERE action = 'login' AND result = 'invalid_credentials'"
    )
    assert counted == [(2,)]


def personal(now: dt.datetime) -> factory.Issued:
    return factory.make_personal(
        ensure_demo_issuer(),
        key=factory.new_key("ec", 256),
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=300),
    )


async def accept(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    accepted = await client.post(
        f"programs/{PROGRAM}/batch/acceptance", json={"version": 1}, headers=auth
    )
    assert accepted.status_code == 201, accepted.text


async def test_a_retried_upload_on_the_other_instance_registers_once(pair: Pair) -> None:
    issued = personal(dt.datetime.now(dt.UTC))
    pem = factory.pem(issued.certificate)
    async with pair.a.client() as a, pair.b.client() as b:
        auth = bearer(await log_in(a))
        await accept(a, auth)
        path = f"programs/{PROGRAM}/batch/certificate"
        first = await a.post(path, content=pem, headers={**auth, "Idempotency-Key": "k-1"})
        retried = await b.post(path, content=pem, headers={**auth, "Idempotency-Key": "k-1"})
        assert first.status_code == retried.status_code == 201, (first.text, retried.text)
        assert first.json()["number"] == retried.json()["number"]
        # The same retry sent to both at once: still one registration. (Another certificate:
        # the one the program holds already would not be registered again whatever the key.)
        other = factory.pem(personal(dt.datetime.now(dt.UTC)).certificate)
        both = await asyncio.gather(
            *(
                c.post(path, content=other, headers={**auth, "Idempotency-Key": "k-2"})
                for c in (a, b)
            )
        )
        assert [r.status_code for r in both] == [201, 201]
        assert both[0].json()["number"] == both[1].json()["number"]
    assert pair.rows(
        "SELECT idempotency_key, count(*) FROM registrations GROUP BY 1 ORDER BY 1"
    ) == [
        ("k-1", 1),
        ("k-2", 1),
    ]


async def test_a_batch_id_is_taken_once_across_instances(pair: Pair) -> None:
    issued = personal(dt.datetime.now(dt.UTC))
    async with pair.a.client() as a:
        auth = bearer(await log_in(a))
        await accept(a, auth)
        registered = await a.post(
            f"programs/{PROGRAM}/batch/certificate",
            content=factory.pem(issued.certificate),
            headers={**auth, "Idempotency-Key": "batch-cert"},
        )
        assert registered.status_code == 201, registered.text
    identity = BatchIdentity(issued.key, issued.certificate)
    ca = factory.pem(ensure_demo_issuer().certificate).decode()
    batch = "B2026120700001"
    xml = batch_xml(batch, orgid=PROGRAM, user=DEMO_USER_ID)
    async with (
        BatchClient(pair.a.batch_url, identity, ca_pem=ca, timeout=60) as on_a,
        BatchClient(pair.b.batch_url, identity, ca_pem=ca, timeout=60) as on_b,
    ):
        replies = await asyncio.gather(
            *(side.upload(PROGRAM, DEMO_USER_ID, xml, "b.xml", batch) for side in (on_a, on_b))
        )
    assert sorted(reply.accepted for reply in replies) == [False, True]
    refused = next(reply for reply in replies if not reply.accepted)
    assert refused.reason == "batch_id_reused"
    assert pair.rows("SELECT count(*) FROM batches WHERE batch_id = %s", batch) == [(1,)]


async def test_the_audit_log_grows_in_order_across_instances(pair: Pair) -> None:
    """A reader that follows the log by id never sees a line appear before one it saw: ids are
    given in commit order, whichever instance writes."""
    seen: list[list[int]] = []
    stop = threading.Event()

    def follow() -> None:
        with psycopg.connect(pair.database_url, autocommit=True) as connection:
            while not stop.is_set():
                ids = connection.execute("SELECT id FROM audit ORDER BY id").fetchall()
                seen.append([row[0] for row in ids])

    reader = threading.Thread(target=follow)
    reader.start()
    try:
        async with pair.a.client() as a, pair.b.client() as b:
            answers = await asyncio.gather(*(log_in((a, b)[n % 2]) for n in range(24)))
    finally:
        stop.set()
        reader.join()
    assert all(answer.status_code == 200 for answer in answers)
    final = [row[0] for row in pair.rows("SELECT id FROM audit ORDER BY id")]
    assert len(seen) > 1
    for snapshot in seen:
        assert snapshot == final[: len(snapshot)]
    logins = pair.rows("SELECT count(*) FROM audit WHERE action = 'login' AND result = 'ok'")
    assert logins == [(24,)]

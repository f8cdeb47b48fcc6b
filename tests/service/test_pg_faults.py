"""PostgreSQL faults: down at start (one line, exit 2), a password in the URL (refused with
the way to do it), lost mid-run (503 store_unavailable, nothing half-written, recovered by
itself when it returns: every acknowledged registration is there, none twice)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import Query
from .pg_support import Cluster, free_port
from .support import code

SERVE = [sys.executable, "-m", "sevis_tui", "serve"]


def serve(*words: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SERVE, *words],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_postgresql_down_at_start_is_one_line_and_exit_2() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/sevis"
    result = serve("--db", url, "--port", str(free_port()))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert url in lines[0] and "check that the server runs" in lines[0]
    assert "Traceback" not in result.stderr and "OperationalError" not in result.stderr
    admin = serve("admin", "list-users", "--db", url)
    assert admin.returncode == 2 and url in admin.stderr


def test_a_password_in_the_url_is_refused_and_not_shown() -> None:
    result = serve("--db", "postgresql://sevis:s3cret-pw@127.0.0.1:5432/sevis")
    assert result.returncode == 2
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "PGPASSFILE" in result.stderr and "0600" in result.stderr
    query = serve("--db", "postgresql://sevis@127.0.0.1/sevis?password=s3cret-pw")
    assert query.returncode == 2 and "s3cret-pw" not in query.stderr


def test_a_password_file_others_can_read_is_refused(tmp_path: Path) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text("127.0.0.1:5432:*:sevis:pw\n")
    passfile.chmod(0o644)
    result = serve("--db", "postgresql://sevis@127.0.0.1/sevis", env={"PGPASSFILE": str(passfile)})
    assert result.returncode == 2
    assert f"chmod 600 {passfile}" in result.stderr


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_losing_postgresql_mid_load_loses_and_doubles_nothing(
    pg_cluster: Cluster,
    http: httpx.AsyncClient,
    auth: dict[str, str],
    certs: Any,
    query: Query,
) -> None:
    if pg_cluster.root is None:
        pytest.skip("the PostgreSQL of SEVIS_TUI_TEST_PG_URL is not ours to stop")
    accepted = await http.post(
        "programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=auth
    )
    assert accepted.status_code == 201
    acknowledged: dict[str, str] = {}
    refused: list[httpx.Response] = []
    outage = asyncio.Event()

    async def upload(key: str) -> None:
        """One upload, retried with its Idempotency-Key until it is acknowledged. Each key
        sends a certificate of its own: the one the program holds already is not registered
        again."""
        pem = certs.pem()
        while True:
            response = await http.post(
                "programs/P-1-00001/batch/certificate",
                content=pem,
                headers={**auth, "Idempotency-Key": key},
            )
            if response.status_code == 201:
                acknowledged[key] = response.json()["number"]
                return
            refused.append(response)
            await asyncio.sleep(0.05)  # the client's back-off while the database is away

    async def worker(first: int) -> None:
        for n in range(first, first + 8):
            await upload(f"k-{n:02}")
            if len(acknowledged) == 6 and not outage.is_set():
                outage.set()
                await asyncio.to_thread(pg_cluster.stop_server, "immediate")
                await asyncio.to_thread(pg_cluster.start_server)

    await asyncio.wait_for(asyncio.gather(*(worker(n) for n in (0, 8, 16))), timeout=120)
    assert outage.is_set() and len(acknowledged) == 24
    assert refused, "no request met the outage"
    for response in refused:
        assert (response.status_code, code(response)) == (503, "store_unavailable")
    stored = query("SELECT idempotency_key, confirmation FROM registrations ORDER BY 1")
    assert stored == sorted(acknowledged.items())
    audited = query("SELECT count(*) FROM audit WHERE action = 'upload' AND result = 'ok'")
    assert audited == [(24,)]


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_after_a_restart_the_first_request_is_served(
    pg_cluster: Cluster, http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """The pooled connections died with the server; none of them is handed to a request."""
    if pg_cluster.root is None:
        pytest.skip("the PostgreSQL of SEVIS_TUI_TEST_PG_URL is not ours to stop")
    # Several idle connections in the pool.
    answers = await asyncio.gather(*(http.get("programs", headers=auth) for _ in range(6)))
    assert all(answer.status_code == 200 for answer in answers)
    await asyncio.to_thread(pg_cluster.stop_server, "immediate")
    await asyncio.to_thread(pg_cluster.start_server)
    first = await http.get("programs", headers=auth)
    assert first.status_code == 200, first.text

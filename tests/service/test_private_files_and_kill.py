"""The database and its -wal/-shm are private (0600) wherever `--db` puts them (against
`sevis-tui serve`), and every upload the service answered 201 for survives `kill -9` (the
service in its own process, on the test's clock): both over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.wiring.local_service import create_app

from .support import admin

LOGIN = {"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD}


def modes(database: Path) -> dict[str, int]:
    found = database.parent.glob(database.name + "*")
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in found}


# The demo service with uvicorn, its clock running from START (an ISO time) in this process.
CLOCKED_SERVER = """
import datetime as dt, sys, time
import uvicorn
from sevis_tui.wiring.local_service import create_app
database, port, start = sys.argv[1], int(sys.argv[2]), dt.datetime.fromisoformat(sys.argv[3])
began = time.monotonic()
def clock():
    return start + dt.timedelta(seconds=time.monotonic() - began)
app = create_app(database, demo=True, clock=clock)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


@contextlib.contextmanager
def serving(
    database: Path, umask: int = 0o022, clock: dt.datetime | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`sevis-tui serve --demo --db DATABASE` under `umask` on a free loopback port; with
    `clock`, the same service on that clock (a script: `serve` takes the system's)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sevis_tui", "serve", "--demo", "--port", str(port)]
    command += ["--db", str(database)]
    if clock is not None:
        command = [sys.executable, "-c", CLOCKED_SERVER, str(database), str(port)]
        command.append(clock.isoformat())
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.umask(umask),
    )
    url = f"http://127.0.0.1:{port}/api/v1/"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "health", timeout=1).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.05)
        yield url, process
    finally:
        process.kill()
        process.wait(timeout=30)


# --------------------------------------------------------------------------- 8. private files


def test_serve_creates_the_database_private_even_with_umask_000(tmp_path: Path) -> None:
    database = tmp_path / "srv" / "reg.db"
    database.parent.mkdir(mode=0o755)
    with serving(database, umask=0o000) as (url, _process):
        assert httpx.post(url + "session", json=LOGIN, timeout=30).status_code == 200
        assert modes(database) == {"reg.db": 0o600, "reg.db-wal": 0o600, "reg.db-shm": 0o600}


def test_create_app_and_admin_make_private_files(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        app = create_app(tmp_path / "app.db")
        assert set(modes(tmp_path / "app.db").values()) == {0o600}
        app.state.service.store.close()
        assert admin(tmp_path / "admin.db", "list-users").returncode == 0
        assert modes(tmp_path / "admin.db") == {"admin.db": 0o600}
    finally:
        os.umask(old)


def test_an_existing_readable_database_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    create_app(database).state.service.store.close()
    os.chmod(database, 0o644)
    app = create_app(database)
    assert set(modes(database).values()) == {0o600}
    app.state.service.store.close()


# --------------------------------------------------------------------------- kill -9


@pytest.mark.parametrize("clients", [8])
def test_every_201_survives_kill_9(tmp_path: Path, certs: Any, clock: Any, clients: int) -> None:
    database = tmp_path / "crash.db"
    files = [certs.pem() for _ in range(120)]
    with serving(database, clock=clock.now) as (url, process):
        confirmed = asyncio.run(_upload_until_killed(url, process, files, clients))
    assert len(confirmed) >= 20  # the kill came mid-run, after these
    with contextlib.closing(sqlite3.connect(database)) as db:
        stored = {row[0] for row in db.execute("SELECT confirmation FROM registrations")}
        audited = {row[0].split()[0] for row in db.execute(
            "SELECT detail FROM audit WHERE action = 'upload' AND result = 'ok'"
        )}  # fmt: skip
    assert set(confirmed) <= stored and set(confirmed) <= audited
    with serving(database, clock=clock.now) as (url, _process):  # it starts again on the file
        token = httpx.post(url + "session", json=LOGIN, timeout=30).json()["token"]
        history = httpx.get(
            url + "programs/P-1-00001/batch", headers={"Authorization": f"Bearer {token}"}
        ).json()["history"]
    assert set(confirmed) <= {item["confirmation"] for item in history}


async def _upload_until_killed(
    url: str, process: subprocess.Popen[bytes], files: list[bytes], clients: int
) -> list[str]:
    confirmed: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as setup:
        token = (await setup.post("session", json=LOGIN)).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        accepted = await setup.post(
            "programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=headers
        )
        assert accepted.status_code == 201

    async def officer(index: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as http:
            for number, data in enumerate(files[index::clients]):
                try:
                    answer = await http.post(
                        "programs/P-1-00001/batch/certificate",
                        content=data,
                        headers={"Idempotency-Key": f"{index}-{number}"},
                    )
                except httpx.TransportError:
                    return  # the server is gone
                if answer.status_code == 201:
                    confirmed.append(answer.json()["number"])
                if len(confirmed) == 30:
                    os.kill(process.pid, signal.SIGKILL)  # mid-run, others in flight

    await asyncio.gather(*(officer(index) for index in range(clients)))
    return confirmed

"""Moving a SQLite service to PostgreSQL with `serve admin export` and `serve admin import`:
users, hashes, programs, officials, registrations and their history, acceptances, batches and
the audit log arrive whole, and the service carries on there."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.wiring.local_service import create_app

from .conftest import MovableClock, in_process
from .pg_support import Cluster

ADMIN = [sys.executable, "-m", "sevis_tui", "serve", "admin"]


def admin(*words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ADMIN, *words], capture_output=True, text=True, check=False)


async def fill(http: httpx.AsyncClient, auth: dict[str, str], certs: Any, store: Any) -> None:
    """Some of everything: failures, acceptances, two registrations (history), a batch."""
    wrong = {"user_id": DEMO_USER_ID, "password": "not-the-password"}
    assert (await http.post("session", json=wrong)).status_code == 401
    url = "programs/P-1-00001/batch"
    assert (await http.post(f"{url}/acceptance", json={"version": 1}, headers=auth)).is_success
    for key in ("k1", "k2"):
        headers = {**auth, "Idempotency-Key": key}
        answer = await http.post(f"{url}/certificate", content=certs.pem(), headers=headers)
        assert answer.status_code == 201, answer.text
    store.write(
        lambda tx: tx.execute(
            "INSERT INTO batches (program, batch_id, user_id, root, records, filename, xml,"
            " xml_sha256, certificate, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                "P-1-00001",
                "B2026120200001",
                DEMO_USER_ID,
                "SEVISBatchCreateUpdateEV",
                2,
                "b.xml",
                b"<x>\x00\xff</x>",
                "00",
                "AB:CD",
                "2026-12-02T09:30:00.000000+00:00",
            ),
        )
    )


async def test_a_sqlite_service_moves_to_postgresql_with_nothing_lost(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    certs: Any,
    service_store: Any,
    database: Path,
    pg_cluster: Cluster,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    await fill(http, auth, certs, service_store)
    exported = tmp_path / "export.json"
    result = admin("export", str(exported), "--db", str(database))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    target = pg_cluster.url(pg_cluster.create_database())
    result = admin("import", str(exported), "--db", target)
    assert result.returncode == 0, result.stderr
    assert "2 registrations" in result.stdout
    again = tmp_path / "again.json"
    assert admin("export", str(again), "--db", target).returncode == 0
    before, after = json.loads(exported.read_bytes()), json.loads(again.read_bytes())
    assert after == before
    counts = {name: len(table["rows"]) for name, table in before["tables"].items()}
    assert counts["users"] >= 1 and counts["registrations"] == 2 and counts["batches"] == 1
    assert counts["acceptances"] == 1 and counts["audit"] >= 5 and counts["officials"] >= 1

    # Importing twice is refused: the database is no longer empty.
    twice = admin("import", str(exported), "--db", target)
    assert twice.returncode == 2 and "empty database" in twice.stderr

    # The service runs on the moved data: the same password, the history, new ids after old.
    moved = create_app(target, clock=clock)
    try:
        async with httpx.AsyncClient(
            transport=in_process(moved), base_url="http://test/api/v1/"
        ) as client:
            login = {"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD}
            answer = await client.post("session", json=login)
            assert answer.status_code == 200, answer.text
            token = {"Authorization": f"Bearer {answer.json()['token']}"}
            status = (await client.get("programs/P-1-00001/batch", headers=token)).json()
            assert [item["current"] for item in status["history"]] == [True, False]
        newest = moved.state.service.store.read(
            lambda tx: tx.execute("SELECT max(id) FROM audit").fetchone()[0]
        )
        assert newest == max(row[0] for row in before["tables"]["audit"]["rows"]) + 1
    finally:
        moved.state.service.store.close()


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"{not json", "not JSON"), (b'{"format": "x"}', "not a sevis-tui export")],
)
def test_a_file_that_is_not_an_export_is_refused(
    tmp_path: Path, database: Path, content: bytes, says: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = admin("import", str(bad), "--db", str(tmp_path / "new.db"))
    assert result.returncode == 2 and says in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_import_from_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    # A FIFO no one writes to would block a plain read for ever; /dev/zero never ends.
    source = tmp_path / "export.fifo"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        source = Path("/dev/zero")
    result = admin("import", str(source), "--db", str(tmp_path / "new.db"))
    assert result.returncode == 2, result.stderr
    assert "not a file" in result.stderr or "device" in result.stderr, result.stderr
    assert "Give the file `serve admin export` wrote." in result.stderr
    assert "certificate" not in result.stderr
    assert "Traceback" not in result.stderr

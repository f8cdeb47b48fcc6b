"""Faults: a locked, read-only or damaged database, and unexpected errors, each give the one
error shape (503 store_unavailable / 500 internal_error), never a traceback or a half write."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sevis_tui.service import programs, registrations
from sevis_tui.wiring.local_service import create_app

from .support import code


async def test_a_locked_database_is_503(
    http: httpx.AsyncClient, auth: dict[str, str], database: Path
) -> None:
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
    try:
        response = await http.get("programs", headers=auth)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (response.status_code, code(response)) == (503, "store_unavailable")
    assert "Traceback" not in response.text
    assert (await http.get("programs", headers=auth)).status_code == 200


@pytest.fixture
def immutable(database: Path) -> Iterator[Path]:
    """Make the database file read-only even for root (chattr +i), if the system allows."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(database)], check=False).returncode:
        pytest.skip("cannot make a file read-only here (no chattr +i)")
    try:
        yield database
    finally:
        subprocess.run([chattr, "-i", str(database)], check=False)


async def test_a_read_only_database_is_503_and_nothing_half_written(immutable: Path) -> None:
    app = create_app(immutable, demo=True)  # opens; its writes will be refused
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1/") as http:
        response = await http.post(
            "session", json={"user_id": "jsmith6544", "password": "SevisDemo#2026"}
        )
        assert (response.status_code, code(response)) == (503, "store_unavailable")
        assert "read-only" in response.json()["error"]["message"]
        trust = await http.get("trust")  # needs no database
        assert trust.status_code == 200


async def test_a_damaged_database_is_503(app: Starlette, database: Path) -> None:
    for path in database.parent.glob("sevis.db*"):
        path.unlink()
    database.write_bytes(b"this is not a database " * 100)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1/") as http:
        response = await http.get("programs", headers={"Authorization": "Bearer x"})
    assert (response.status_code, code(response)) == (503, "store_unavailable")


def test_create_app_on_an_unwritable_place_raises_a_clear_error(tmp_path: Path) -> None:
    place = tmp_path / "place"
    place.mkdir()
    blocker = place / "file"
    blocker.write_text("x")
    target = blocker / "sub" / "sevis.db"
    with pytest.raises(NotADirectoryError) as raised:
        create_app(target)
    # The error names the place that could not be made, and why: what `serve` then prints.
    assert raised.value.errno == errno.ENOTDIR
    assert raised.value.filename == str(blocker / "sub")
    assert blocker.read_text() == "x" and list(place.iterdir()) == [blocker]
    served = subprocess.run(
        [sys.executable, "-m", "sevis_tui", "serve", "--db", str(target), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert served.returncode == 2
    assert served.stderr == f"sevis-tui: cannot open the database {target}: Not a directory\n"


async def test_unexpected_errors_are_500_in_the_error_shape(
    api: httpx.AsyncClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(programs, "list_programs", broken)
    response = await api.get("programs", headers=auth)
    assert (response.status_code, code(response)) == (500, "internal_error")
    assert "simulated bug" not in response.text and "Traceback" not in response.text


async def test_an_error_mid_registration_leaves_nothing_half_written(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    certs: Any,
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await http.post("programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=auth)
    first = await http.post(
        "programs/P-1-00001/batch/certificate",
        content=certs.pem(),
        headers={**auth, "Idempotency-Key": "k1"},
    )
    assert first.status_code == 201
    real = registrations.new_confirmation_number

    def fails_after_retiring_the_old_one(*args: Any) -> str:
        raise RuntimeError("disk fell off")

    monkeypatch.setattr(registrations, "new_confirmation_number", fails_after_retiring_the_old_one)
    second = await http.post(
        "programs/P-1-00001/batch/certificate",
        content=certs.pem(),
        headers={**auth, "Idempotency-Key": "k2"},
    )
    assert (second.status_code, code(second)) == (500, "internal_error")
    monkeypatch.setattr(registrations, "new_confirmation_number", real)
    with sqlite3.connect(database) as db:
        current = list(db.execute("SELECT confirmation FROM registrations WHERE current = 1"))
    assert current == [(first.json()["number"],)]

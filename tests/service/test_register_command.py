"""`sevis-tui register` over real HTTP on loopback against `sevis-tui serve`, each in its own
process: run twice (the second run uploads nothing), usage errors, a file with errors, and a
file holding a private key (only the certificate is sent)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.cert import factory
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import paths

PROGRAMS = ("P-1-00001", "P-1-00002", "P-2-00001")


@contextlib.contextmanager
def serve(database: Path, *extra: str) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sevis_tui", "serve", "--demo", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--db", str(database), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.05)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "served.db"
    with serve(database, "--demo-programs", "2") as url:
        yield url, database


@pytest.fixture
def files(tmp_path: Path, issuer: factory.Issued, personal_key: Any) -> dict[str, Path]:
    """Certificates valid on the system's clock: `serve` and the command both judge by it."""
    now = dt.datetime.now(dt.UTC)
    issued = factory.make_personal(
        issuer,
        key=personal_key,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )
    folder = tmp_path / "certs"
    folder.mkdir()
    made = {
        "good": folder / "jsmith6544.pem",
        "with_key": folder / "with-key.pem",
        "junk": folder / "notes.pem",
        "password": tmp_path / "password.txt",
    }
    made["good"].write_bytes(factory.pem(issued.certificate))
    made["with_key"].write_bytes(factory.pem(issued.certificate) + factory.key_pem(issued.key))
    made["with_key"].chmod(0o600)
    made["junk"].write_bytes(b"just some notes\n")
    made["password"].write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    made["password"].chmod(0o600)  # a secret file must be private
    return made


def register(url: str, files: dict[str, Path], *words: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEVIS_TUI_ACCEPTED_ISSUERS": str(paths().demo_issuer_cert)}
    command = [sys.executable, "-m", "sevis_tui", "--server", url, "register"]
    command += ["--user-id", DEMO_USER_ID, "--password-file", str(files["password"]), *words]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def programs_args() -> list[str]:
    return [word for number in PROGRAMS for word in ("--program", number)]


def count(database: Path, sql: str) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_run_twice_the_second_run_uploads_nothing(
    server: tuple[str, Path], files: dict[str, Path], tmp_path: Path
) -> None:
    url, database = server
    receipt = tmp_path / "receipt.txt"
    first = register(
        url, files, *programs_args(), "--accept-agreement", "1", "--receipt", str(receipt),
        str(files["good"]),
    )  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Batch Processing Agreement, version 1" in first.stdout
    lines = [line for line in first.stdout.splitlines() if line.startswith(PROGRAMS)]
    assert [line.split()[:2] for line in lines] == [[n, "registered"] for n in PROGRAMS]
    assert "3 of 3 registered (3 now, 0 before)" in first.stdout
    text = receipt.read_text(encoding="utf-8")
    assert all(number in text for number in PROGRAMS) and "3 of 3 registered" in text
    uploads = "SELECT COUNT(*) FROM audit WHERE action = 'upload'"
    assert count(database, uploads) == 3
    assert count(database, "SELECT COUNT(*) FROM acceptances") == 3

    second = register(url, files, *programs_args(), "--accept-agreement", "1", "--json",
                      str(files["good"]))  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    answers = [json.loads(line) for line in second.stdout.splitlines()]
    assert [(a["program"], a["outcome"]) for a in answers] == [
        (number, "already_registered") for number in PROGRAMS
    ]
    assert "0 now, 3 before" in second.stderr
    assert count(database, uploads) == 3  # nothing uploaded, nothing refused
    assert count(database, "SELECT COUNT(*) FROM registrations") == 3


def test_the_agreement_version_must_be_the_current_one(
    server: tuple[str, Path], files: dict[str, Path]
) -> None:
    url, database = server
    missing = register(url, files, *programs_args(), str(files["good"]))
    assert missing.returncode == 2
    assert "Batch Processing Agreement, version 1" in missing.stdout
    assert "--accept-agreement 1" in missing.stderr and "Traceback" not in missing.stderr
    other = register(url, files, *programs_args(), "--accept-agreement", "2", str(files["good"]))
    assert other.returncode == 2 and "current agreement, which is version 1" in other.stderr
    shown = register(url, files, "--show-agreement", str(files["good"]))
    assert shown.returncode == 0 and "By selecting ACCEPT" in shown.stdout
    assert count(database, "SELECT COUNT(*) FROM acceptances") == 0


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ([], "--program NUMBER"),
        (["--all", "--program", "P-1-00001"], "--program NUMBER"),
        (["--program", "12345"], "is not a program number"),
    ],
)
def test_usage_errors_exit_2_before_anything(
    server: tuple[str, Path], files: dict[str, Path], words: list[str], says: str
) -> None:
    url, _database = server
    done = register(url, files, *words, "--accept-agreement", "1", str(files["good"]))
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_a_file_with_an_error_finding_stops_before_any_upload(
    server: tuple[str, Path], files: dict[str, Path]
) -> None:
    url, database = server
    done = register(url, files, "--all", "--accept-agreement", "1", str(files["junk"]))
    assert done.returncode == 1 and "nothing was sent" in done.stderr
    assert "not_a_certificate" in done.stdout
    assert count(database, "SELECT COUNT(*) FROM audit WHERE action IN ('accept', 'upload')") == 0


def test_a_file_with_a_private_key_sends_only_the_certificate(
    server: tuple[str, Path], files: dict[str, Path]
) -> None:
    url, database = server
    done = register(url, files, "--all", "--accept-agreement", "1", str(files["with_key"]))
    assert done.returncode == 0, done.stdout + done.stderr
    # --all: the demo user's active programs (two seeded, two extra, one as ARO).
    assert count(database, "SELECT COUNT(*) FROM registrations") == 5
    assert count(database, "SELECT COUNT(*) FROM registrations WHERE key_discarded = 1") == 0
    assert count(database, "SELECT COUNT(*) FROM audit WHERE detail LIKE '%discarded%'") == 0


def test_a_password_file_others_can_read_is_refused(
    server: tuple[str, Path], files: dict[str, Path]
) -> None:
    url, database = server
    files["password"].chmod(0o644)
    done = register(url, files, "--all", "--accept-agreement", "1", str(files["good"]))
    assert done.returncode == 2 and "chmod 600" in done.stderr
    assert count(database, "SELECT COUNT(*) FROM audit WHERE action = 'login'") == 0

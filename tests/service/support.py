"""Helpers shared by the service tests."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .pg_support import free_port


def code(response: httpx.Response) -> str:
    """The error code of a failed response, which must also carry a message and a remedy."""
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "remedy"}
    assert body["error"]["message"] and body["error"]["remedy"]
    return str(body["error"]["code"])


def admin(database: Path, *words: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """`sevis-tui serve admin WORDS --db DATABASE` in its own process; output as raw bytes."""
    return subprocess.run(
        [sys.executable, "-m", "sevis_tui", "serve", "admin", *words, "--db", str(database)],
        input=stdin,
        capture_output=True,
        check=False,
    )


@dataclass
class Instance:
    process: subprocess.Popen[bytes]
    url: str
    batch_url: str

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=60)


def start_serve(database_url: str, log: Path) -> Instance:
    """`sevis-tui serve --demo --db URL` with its batch door; returns once it answers."""
    return ready(spawn_serve(database_url, log), log)


def spawn_serve(database_url: str, log: Path) -> Instance:
    """`sevis-tui serve --demo --db URL` with its batch door, started (see `ready`)."""
    port, batch_port = free_port(), free_port()
    command = [sys.executable, "-m", "sevis_tui", "serve", "--demo", "--db", database_url]
    command += ["--port", str(port), "--batch-port", str(batch_port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    return Instance(process, f"http://127.0.0.1:{port}/api/v1/", f"https://127.0.0.1:{batch_port}")


def ready(instance: Instance, log: Path) -> Instance:
    """The instance, once it answers (fails the test if it exits or stays silent for 60 s)."""
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    while dt.datetime.now(dt.UTC) < deadline:
        if instance.process.poll() is not None:
            pytest.fail(f"serve exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(instance.url + "health", timeout=1).status_code == 200:
                return instance
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # not a timed Event wait: libfaketime (other dates) hangs those
    instance.process.kill()
    pytest.fail(f"serve did not answer within 60 s: {log.read_text(errors='replace')}")

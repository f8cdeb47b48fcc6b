"""Helpers shared by the service tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx


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

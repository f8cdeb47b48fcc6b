"""`sevis-tui register` on the embedded demo service, in this process: a session that ends
half way (a 401 on the wire) is logged into again with the password already given, and the
run carries on; the output and the exit status say all were registered."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.cli import main
from sevis_tui.service.demo import DEMO_PASSWORD

ENDED = {
    "error": {
        "code": "session_expired",
        "message": "Your session ended after 20 idle minutes.",
        "remedy": "Log in again.",
    }
}


def test_a_session_that_ends_half_way(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    certs: Any,
    tmp_path: Path,
    database: Path,
) -> None:
    sent: list[str] = []

    class EndsOnce(httpx.ASGITransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            line = f"{request.method} {request.url.path}"
            sent.append(line)
            if line.endswith("P-1-00002/batch/certificate") and sent.count(line) == 1:
                return httpx.Response(401, json=ENDED, request=request)
            return await super().handle_async_request(request)

    monkeypatch.setattr(httpx, "ASGITransport", EndsOnce)
    certificate = tmp_path / "jsmith6544.pem"
    import datetime as dt

    from sevis_tui.cert import factory

    now = dt.datetime.now(dt.UTC)  # the command's offline check and the service: the system clock
    issued = factory.make_personal(
        certs.issuer, key=certs.key, not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )  # fmt: skip
    certificate.write_bytes(factory.pem(issued.certificate))
    password = tmp_path / "password.txt"
    password.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
    password.chmod(0o600)
    words = ["register", "--user-id", "jsmith6544", "--password-file", str(password)]
    words += ["--all", "--accept-agreement", "1", "--json", str(certificate)]
    assert main(words) == 0
    out = capsys.readouterr()
    answers = [json.loads(line) for line in out.out.splitlines()]
    assert [a["outcome"] for a in answers] == ["registered"] * 3
    assert sum(line == "POST /api/v1/session" for line in sent) == 2  # logged in again once
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM registrations").fetchone()[0]
    assert stored == 3

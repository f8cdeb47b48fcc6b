"""Over real HTTP: uvicorn on 127.0.0.1 (random port) in a background thread, reached by the
real SevisClient, including 50 concurrent uploads for one program from 10 clients."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.api import errors
from sevis_tui.api.client import SevisClient, new_idempotency_key
from sevis_tui.api.remote import open_remote_client
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings, shipped_settings
from sevis_tui.wiring.local_service import create_app

from .background import BackgroundServer

PROGRAM = "P-1-00001"


@pytest.fixture
def server(database: Path, clock: Any) -> Iterator[BackgroundServer]:
    # The injected clock too: uvicorn serves from its own thread and loop, reading it there.
    with BackgroundServer(create_app(database, demo=True, clock=clock)) as running:
        yield running


def remote(url: str) -> Settings:
    return shipped_settings({"server": {"url": url, "timeout": 10.0}})


@pytest.mark.parametrize("suffix", ["", "/", "/api/v1", "/api/v1/"])
async def test_the_client_over_http_with_any_base_url_form(
    server: BackgroundServer, suffix: str
) -> None:
    async with await open_remote_client(remote(server.url + suffix)) as client:
        result = await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        assert result.user_id == DEMO_USER_ID
        numbers = [item.number for item in await client.programs()]
        assert numbers and PROGRAM in numbers
        await client.logout()
        with pytest.raises(errors.SessionExpired):
            await client.programs()


async def test_errors_over_http_keep_their_class(server: BackgroundServer, certs: Any) -> None:
    async with await open_remote_client(remote(server.url)) as client:
        with pytest.raises(errors.InvalidCredentials) as wrong:
            await client.login(DEMO_USER_ID, "not the password")
        assert wrong.value.attempts_left == 2 and wrong.value.status == 401
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        with pytest.raises(errors.NotAnOfficial):
            await client.program("P-1-00004")
        with pytest.raises(errors.ProgramNotFound):
            await client.batch_status("P-9-99999")
        with pytest.raises(errors.AgreementNotAccepted):
            await client.upload_certificate(PROGRAM, certs.pem(), "a.pem", new_idempotency_key())
        agreement = await client.agreement()
        with pytest.raises(errors.StaleAgreement):
            await client.accept_agreement(PROGRAM, agreement.version + 7)
        await client.accept_agreement(PROGRAM, agreement.version)
        with pytest.raises(errors.UploadTooLarge):
            await client.upload_certificate(
                PROGRAM, b"x" * (1024 * 1024 + 1), "big.pem", new_idempotency_key()
            )
        with pytest.raises(errors.CertificateRejected) as rejected:
            await client.upload_certificate(PROGRAM, b"junk", "junk.pem", new_idempotency_key())
        assert rejected.value.findings and rejected.value.findings[0].code == "not_a_certificate"
        confirmation = await client.upload_certificate(
            PROGRAM, certs.pem(), "jsmith6544.pem", new_idempotency_key()
        )
        status = await client.batch_status(PROGRAM)
        assert status.current is not None
        assert status.current.confirmation == confirmation.number


async def test_50_concurrent_uploads_from_10_clients(
    server: BackgroundServer, certs: Any, database: Path
) -> None:
    clients = [await open_remote_client(remote(server.url)) for _ in range(10)]
    try:
        await asyncio.gather(*(client.login(DEMO_USER_ID, DEMO_PASSWORD) for client in clients))
        version = (await clients[0].agreement()).version
        await clients[0].accept_agreement(PROGRAM, version)
        files = [certs.pem() for _ in range(50)]

        async def send(client: SevisClient, data: bytes) -> str:
            return (
                await client.upload_certificate(PROGRAM, data, "c.pem", new_idempotency_key())
            ).number

        numbers = await asyncio.gather(
            *(send(clients[i % 10], data) for i, data in enumerate(files))
        )
        status = await clients[0].batch_status(PROGRAM)
    finally:
        for client in clients:
            await client.aclose()
    assert len(set(numbers)) == 50
    assert len(status.history) == 50 and {item.confirmation for item in status.history} == set(
        numbers
    )
    assert [item.current for item in status.history].count(True) == 1
    with sqlite3.connect(database) as db:
        current = db.execute(
            "SELECT COUNT(*) FROM registrations WHERE program = ? AND current = 1", (PROGRAM,)
        ).fetchone()
        audited = db.execute(
            "SELECT COUNT(*) FROM audit WHERE action = 'upload' AND result = 'ok'"
        ).fetchone()
        details = [row[0] for row in db.execute("SELECT detail FROM audit WHERE action='upload'")]
    assert current == (1,) and audited == (50,)
    assert all(any(number in detail for detail in details) for number in numbers)


async def test_raw_http_errors_have_the_shape(server: BackgroundServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        bad = await http.post("/api/v1/session", content=b"{")
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "malformed_json"
        big = await http.post("/api/v1/session", content=b"x" * 200_000)
        assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"

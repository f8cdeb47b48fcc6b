"""Fixtures for the batch interface: the listener over real TLS on loopback (uvicorn in a
thread, the demo issuer's server certificate), registrations made through the registration
API, and batch clients holding generated keys and certificates."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.api.batch_client import BatchClient, BatchIdentity
from sevis_tui.cert import factory
from sevis_tui.service.batch.app import create_batch_app
from sevis_tui.service.batch.listener import BatchListener, demo_server_identity, server_context
from sevis_tui.service.demo import DEMO_USER_ID
from sevis_tui.sevis_batch import safe_xml, schemas
from sevis_tui.sevis_batch.sample import sample_batch
from sevis_tui.sevis_batch.translog import ENTRY, TransactionLog, read_log

PROGRAM = "P-1-00001"
USER = DEMO_USER_ID


@dataclass
class Listener:
    url: str
    ca_pem: str
    store: Any  # the batch app's store, on either engine
    database: Path | str  # what `--db` takes: the SQLite file or the PostgreSQL URL

    def client(self, issued: factory.Issued | None) -> BatchClient:
        """A batch client presenting `issued` (None: no client certificate at all)."""
        if issued is None:
            return NoCertificateClient(self.url, self.ca_pem)
        identity = BatchIdentity(issued.key, issued.certificate)
        return BatchClient(self.url, identity, ca_pem=self.ca_pem, timeout=60)

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        found = self.store.read(lambda tx: tx.execute(sql, args).fetchall())
        return [tuple(row) for row in found]

    def change(self, sql: str, *args: Any) -> None:
        self.store.write(lambda tx: tx.execute(sql, args))


class NoCertificateClient(BatchClient):
    """Like BatchClient, but its TLS presents no certificate."""

    def __init__(self, url: str, ca_pem: str) -> None:
        import ssl

        self.base_url = url
        context = ssl.create_default_context(cadata=ca_pem)
        self.http = httpx.AsyncClient(base_url=url, verify=context, timeout=30)


@pytest.fixture
def listener(store_location: Path | str, clock: Any, issuer: factory.Issued) -> Iterator[Listener]:
    app = create_batch_app(store_location, clock=clock, busy_timeout=2)
    context = server_context([issuer.certificate], identity=demo_server_identity(issuer, clock.now))
    store = app.state.batch.store
    with BatchListener(app, context) as running:
        yield Listener(running.url, factory.pem(issuer.certificate).decode(), store, store_location)
    store.close()


Register = Callable[[factory.Issued], Awaitable[dict[str, Any]]]


@pytest.fixture
def register(http: httpx.AsyncClient, auth: dict[str, str]) -> Register:
    """Register a certificate for PROGRAM through the registration API (as the demo user)."""
    count = 0

    async def run(issued: factory.Issued, program: str = PROGRAM) -> dict[str, Any]:
        nonlocal count
        count += 1
        accepted = await http.post(
            f"programs/{program}/batch/acceptance", json={"version": 1}, headers=auth
        )
        assert accepted.status_code == 201, accepted.text
        response = await http.post(
            f"programs/{program}/batch/certificate",
            content=factory.pem(issued.certificate),
            headers={**auth, "Idempotency-Key": f"batch-test-{count}"},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return run


@pytest.fixture
async def registered(register: Register, certs: Any) -> factory.Issued:
    """A certificate registered for PROGRAM."""
    issued: factory.Issued = certs.good()
    await register(issued)
    return issued


def batch_xml(batch_id: str, orgid: str = PROGRAM, user: str = USER, records: int = 2) -> bytes:
    """A batch file valid against the 6.27 upload schema: `records` creates."""
    return sample_batch(batch_id, orgid, user, records)


def transaction_log(archive: bytes | Any) -> TransactionLog:
    """The log in a download's zip, after checking it against SevisTransLog.xsd."""
    assert isinstance(archive, bytes), archive
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert zipped.namelist() == [ENTRY]
        xml = zipped.read(ENTRY)
    assert schemas.validate(schemas.TRANSACTION_LOG_XSD, safe_xml.parse(xml)) == []
    read = read_log(xml)
    assert read.valid and read.log is not None, read.problems
    return read.log


@pytest.fixture
async def client(listener: Listener, registered: factory.Issued) -> AsyncIterator[BatchClient]:
    async with listener.client(registered) as batch_client:
        yield batch_client


def later(clock: Any, days: float) -> dt.datetime:
    return clock.now + dt.timedelta(days=days)

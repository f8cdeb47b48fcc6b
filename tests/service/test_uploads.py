"""Certificate uploads: acceptance first, the authoritative check, history, idempotency, limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.cert import factory
from sevis_tui.contract import BatchStatus, Confirmation, decode
from sevis_tui.service.registrations import CONFIRMATION_ALPHABET

from .conftest import Query
from .support import code

# Run on both engines, SQLite and PostgreSQL (tests/service/conftest.py, pg_support.py).
BOTH_ENGINES = True

PROGRAM = "P-1-00001"
UPLOAD = f"programs/{PROGRAM}/batch/certificate"


def confirmation_pattern(year: int) -> re.Pattern[str]:
    """A confirmation number of the year on the service's clock."""
    part = f"[{CONFIRMATION_ALPHABET}]{{4}}"
    return re.compile(rf"SBR-{year}-{part}-{part}")


async def accept(http: httpx.AsyncClient, auth: dict[str, str], program: str = PROGRAM) -> None:
    response = await http.post(
        f"programs/{program}/batch/acceptance", json={"version": 1}, headers=auth
    )
    assert response.status_code == 201


async def upload(
    http: httpx.AsyncClient, auth: dict[str, str], data: bytes, key: str, name: str = "a.pem"
) -> httpx.Response:
    return await http.post(
        UPLOAD, content=data, params={"filename": name}, headers={**auth, "Idempotency-Key": key}
    )


async def test_upload_needs_the_agreement_first(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    response = await upload(http, auth, certs.pem(), "k1")
    assert (response.status_code, code(response)) == (409, "agreement_not_accepted")
    assert query("SELECT COUNT(*) FROM registrations") == [(0,)]
    assert ("upload", "agreement_not_accepted") in query("SELECT action, result FROM audit")


@pytest.mark.parametrize("clock", ["today", "new-year", "leap-day"], indirect=True)
async def test_good_upload_is_confirmed_and_stored(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query, clock: Any
) -> None:
    await accept(http, auth)
    person = certs.good()
    response = await upload(http, auth, factory.der(person.certificate), "k1", "jsmith6544.cer")
    assert response.status_code == 201, response.text
    confirmation = decode(response.content, Confirmation)
    assert confirmation_pattern(clock.now.year).fullmatch(confirmation.number)
    assert confirmation.time == clock.now
    assert confirmation.program == PROGRAM and confirmation.user_id == "jsmith6544"
    assert "CN=jsmith6544" in confirmation.certificate.subject
    assert confirmation.certificate.not_after == person.certificate.not_valid_after_utc
    assert confirmation.key_discarded is False and confirmation.replaced is None
    assert not [w for w in confirmation.warnings if w.severity == "error"]
    stored = query("SELECT certificate_der, current FROM registrations")
    assert stored == [(factory.der(person.certificate), 1)]
    status = decode(
        (await http.get(f"programs/{PROGRAM}/batch", headers=auth)).content, BatchStatus
    )
    assert status.current is not None and status.current.confirmation == confirmation.number
    assert status.agreement_accepted
    listing = (await http.get("programs", headers=auth)).json()
    summary = next(item for item in listing if item["number"] == PROGRAM)["batch"]
    assert summary["registered"] is True and summary["confirmation"] == confirmation.number


async def test_a_private_key_is_discarded_and_never_stored(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    certs: Any,
    query: Query,
    database: Path,
    engine: str,
) -> None:
    await accept(http, auth)
    person = certs.good()
    key_pem = factory.key_pem(person.key)
    response = await upload(http, auth, factory.pem(person.certificate) + key_pem, "k1")
    assert response.status_code == 201, response.text
    confirmation = decode(response.content, Confirmation)
    assert confirmation.key_discarded is True
    assert "private_key_discarded" in {w.code for w in confirmation.warnings}
    key_body = b"".join(key_pem.splitlines()[1:-1])
    if engine == "sqlite":
        raw = b"".join(path.read_bytes() for path in database.parent.glob("sevis.db*"))
        assert b"PRIVATE KEY" not in raw and key_body[:64] not in raw
    dump = repr(query("SELECT * FROM registrations")) + repr(query("SELECT * FROM audit"))
    assert "PRIVATE KEY" not in dump and repr(key_body[:64])[2:-1] not in dump
    detail = query("SELECT detail FROM audit WHERE action = 'upload'")
    assert "private key in upload discarded" in detail[0][0]


async def test_rejected_certificates_get_422_with_findings(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query, clock: Any
) -> None:
    await accept(http, auth)
    expired = certs.pem(
        not_before=clock.now - dt.timedelta(days=400), not_after=clock.now - dt.timedelta(days=2)
    )
    self_signed = certs.pem(self_signed=True)
    stranger = factory.make_ca("Unlisted Test CA", key=certs.key)
    foreign = factory.pem(factory.make_personal(stranger, key=certs.key).certificate)
    cases = {
        "expired": expired,
        "self_signed": self_signed,
        "not_a_certificate": b"hello, this is not a certificate",
        "empty_file": b"",
    }
    for number, (expected, data) in enumerate(cases.items()):
        response = await upload(http, auth, data, f"bad-{number}")
        assert (response.status_code, code(response)) == (422, "certificate_rejected"), expected
        codes = {finding["code"] for finding in response.json()["findings"]}
        assert expected in codes
    response = await upload(http, auth, foreign, "bad-foreign")
    assert response.status_code == 422
    assert {f["code"] for f in response.json()["findings"]} & {
        "untrusted_issuer",
        "missing_intermediate",
    }
    assert query("SELECT COUNT(*) FROM registrations") == [(0,)]
    audited = query("SELECT result FROM audit WHERE action = 'upload'")
    assert audited == [("certificate_rejected",)] * 5


async def test_warnings_come_with_the_confirmation(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, clock: Any
) -> None:
    await accept(http, auth)
    soon = certs.pem(not_after=clock.now + dt.timedelta(days=10))
    response = await upload(http, auth, soon, "k1")
    assert response.status_code == 201
    assert "expires_soon" in {w["code"] for w in response.json()["warnings"]}


async def test_a_new_registration_replaces_the_current_one(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    await accept(http, auth)
    first = (await upload(http, auth, certs.pem(), "k1")).json()
    second = (await upload(http, auth, certs.pem(), "k2")).json()
    assert second["replaced"] == first["number"] != second["number"]
    status = decode(
        (await http.get(f"programs/{PROGRAM}/batch", headers=auth)).content, BatchStatus
    )
    assert [item.confirmation for item in status.history] == [second["number"], first["number"]]
    assert [item.current for item in status.history] == [True, False]
    assert status.history[1].replaced_at is not None
    # The same certificate may serve another program (docs/domain.md): allowed.
    await accept(http, auth, "P-1-00002")
    other = await http.post(
        "programs/P-1-00002/batch/certificate",
        content=certs.pem(),
        headers={**auth, "Idempotency-Key": "k3"},
    )
    assert other.status_code == 201
    assert query(
        "SELECT program, SUM(current) FROM registrations GROUP BY program ORDER BY program"
    ) == [
        ("P-1-00001", 1),
        ("P-1-00002", 1),
    ]


async def test_the_certificate_already_held_is_not_registered_again(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    await accept(http, auth)
    data = certs.pem()
    first = await upload(http, auth, data, "k1")
    # The same certificate again, as a new upload (a new key): the registration it already
    # is, marked so, and no second confirmation number.
    again = await upload(http, auth, data, "k2", "renamed.pem")
    assert first.status_code == again.status_code == 201
    assert first.json()["already_registered"] is False
    assert again.json() == {**first.json(), "already_registered": True}
    assert query("SELECT COUNT(*) FROM registrations") == [(1,)]
    assert ("upload", "already_registered") in query("SELECT action, result FROM audit")
    # Another certificate still replaces it.
    other = await upload(http, auth, certs.pem(), "k3")
    assert other.json()["replaced"] == first.json()["number"]


async def test_idempotency_key(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    await accept(http, auth)
    data = certs.pem()
    first = await upload(http, auth, data, "same-key")
    repeat = await upload(http, auth, data, "same-key")
    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert query("SELECT COUNT(*) FROM registrations") == [(1,)]
    different = await upload(http, auth, certs.pem(), "same-key")
    assert (different.status_code, code(different)) == (409, "idempotency_key_reused")
    missing = await http.post(UPLOAD, content=data, headers=auth)
    assert (missing.status_code, code(missing)) == (400, "missing_idempotency_key")
    assert query("SELECT COUNT(*) FROM registrations") == [(1,)]


async def test_concurrent_repeats_of_one_upload_register_once(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    await accept(http, auth)
    data = certs.pem()
    answers = await asyncio.gather(*(upload(http, auth, data, "twin") for _ in range(6)))
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["number"] for answer in answers}) == 1
    assert query("SELECT COUNT(*) FROM registrations") == [(1,)]


async def test_uploads_over_one_mebibyte_are_413(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, query: Query
) -> None:
    await accept(http, auth)
    big = certs.pem() + b"\n" * (1024 * 1024)
    response = await upload(http, auth, big, "k-big")
    assert (response.status_code, code(response)) == (413, "too_large")

    async def chunks() -> Any:  # no Content-Length: the limit holds while streaming
        for _ in range(20):
            yield b"A" * 65536

    streamed = await http.post(UPLOAD, content=chunks(), headers={**auth, "Idempotency-Key": "k2"})
    assert (streamed.status_code, code(streamed)) == (413, "too_large")
    assert query("SELECT COUNT(*) FROM registrations") == [(0,)]
    exactly = certs.pem()
    exactly += b"\n" * (1024 * 1024 - len(exactly))
    assert (await upload(http, auth, exactly, "k-limit")).status_code == 201


async def test_withdrawn_programs_cannot_register(
    http: httpx.AsyncClient, auth: dict[str, str], certs: Any, service_store: Any
) -> None:
    from sevis_tui.service.programs import add_official

    service_store.write(lambda tx: add_official(tx, "P-1-00005", "jsmith6544", "ARO"))
    detail = (await http.get("programs/P-1-00005", headers=auth)).json()
    register = next(a for a in detail["actions"] if a["name"] == "Register for Batch Processing")
    assert register["enabled"] is False and "WITHDRAWN" in register["reason"]
    await accept(http, auth, "P-1-00005")
    response = await http.post(
        "programs/P-1-00005/batch/certificate",
        content=certs.pem(),
        headers={**auth, "Idempotency-Key": "k1"},
    )
    assert (response.status_code, code(response)) == (409, "program_inactive")

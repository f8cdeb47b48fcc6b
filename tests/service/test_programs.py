"""Programs, Program Sponsor Information, the agreement, acceptances and the trust list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from cryptography import x509

from sevis_tui.cert import factory
from sevis_tui.contract import Agreement, ProgramDetail, ProgramSummary, Trust, decode
from sevis_tui.service.agreement import AGREEMENT_VERSION
from sevis_tui.service.programs import publish_agreement

from .support import code

# Run on both engines, SQLite and PostgreSQL (tests/service/conftest.py, pg_support.py).
BOTH_ENGINES = True


async def test_listing_shows_only_the_users_programs(
    http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await http.get("programs", headers=auth)
    assert response.status_code == 200
    listing = decode(response.content, tuple[ProgramSummary, ...])
    roles = {item.number: item.role for item in listing}
    assert roles == {"P-1-00001": "RO", "P-1-00002": "RO", "P-1-00003": "ARO"}
    for item in listing:
        assert item.status == "PROGRAM ACTIVE" and item.city and len(item.state) == 2
        assert item.batch.registered is False and item.batch.expires is None


async def test_program_sponsor_information(http: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await http.get("programs/P-1-00003", headers=auth)
    assert response.status_code == 200
    detail = decode(response.content, ProgramDetail)
    assert detail.role == "ARO"
    assert detail.sponsor == "Lakeshore Medical Center"
    assert detail.address.city == "Chicago" and detail.address.postal_code
    assert detail.designation.valid_from < detail.designation.valid_to
    assert [(o.user_id, o.role) for o in detail.officials] == [
        ("tnguyen883", "RO"),
        ("jsmith6544", "ARO"),
    ]
    enabled = [action.name for action in detail.actions if action.enabled]
    assert enabled == ["Register for Batch Processing"]
    assert all(action.reason for action in detail.actions if not action.enabled)
    assert {action.menu for action in detail.actions} == {"Actions", "Edits"}


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("programs/P-1-00004", 403, "not_an_official"),
        ("programs/P-1-00004/batch", 403, "not_an_official"),
        ("programs/P-9-99999", 404, "unknown_program"),
        ("programs/P-9-99999/batch", 404, "unknown_program"),
    ],
)
async def test_other_and_unknown_programs(
    http: httpx.AsyncClient, auth: dict[str, str], path: str, status: int, expected: str
) -> None:
    response = await http.get(path, headers=auth)
    assert (response.status_code, code(response)) == (status, expected)


async def test_acting_on_others_programs_is_refused(
    http: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    accept = await http.post(
        "programs/P-1-00004/batch/acceptance", json={"version": 1}, headers=auth
    )
    assert (accept.status_code, code(accept)) == (403, "not_an_official")
    upload = await http.post(
        "programs/P-1-00004/batch/certificate",
        content=b"x",
        headers={**auth, "Idempotency-Key": "k1"},
    )
    assert (upload.status_code, code(upload)) == (403, "not_an_official")
    unknown = await http.post(
        "programs/P-9-99999/batch/certificate",
        content=b"x",
        headers={**auth, "Idempotency-Key": "k2"},
    )
    assert (unknown.status_code, code(unknown)) == (404, "unknown_program")


async def test_the_agreement(http: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await http.get("batch/agreement", headers=auth)
    agreement = decode(response.content, Agreement)
    assert agreement.version == AGREEMENT_VERSION
    assert agreement.title == "Batch Processing Agreement"
    assert agreement.text.startswith(
        "Acceptance of DHS Regulations and SEVIS Batch Interface Security Requirements"
    )
    assert "private key" in agreement.text.lower()


async def test_acceptance_and_stale_versions(
    http: httpx.AsyncClient, auth: dict[str, str], service_store: Any, clock: Any
) -> None:
    url = "programs/P-1-00001/batch/acceptance"
    accepted = await http.post(url, json={"version": AGREEMENT_VERSION}, headers=auth)
    assert accepted.status_code == 201
    assert accepted.json()["version"] == AGREEMENT_VERSION
    again = await http.post(url, json={"version": AGREEMENT_VERSION}, headers=auth)
    assert again.status_code == 201 and again.json() == accepted.json()
    stale = await http.post(url, json={"version": AGREEMENT_VERSION - 1}, headers=auth)
    assert (stale.status_code, code(stale)) == (409, "stale_agreement")
    assert stale.json()["error"]["current_version"] == AGREEMENT_VERSION
    # A new version makes the earlier acceptance stale for uploads and the batch status.
    service_store.write(
        lambda tx: publish_agreement(
            tx,
            AGREEMENT_VERSION + 1,
            "Batch Processing Agreement",
            "Revised text",
            clock.now.date(),
        )
    )
    status = (await http.get("programs/P-1-00001/batch", headers=auth)).json()
    assert status["agreement_version"] == AGREEMENT_VERSION + 1
    assert status["accepted_version"] == AGREEMENT_VERSION
    old = await http.post(url, json={"version": AGREEMENT_VERSION}, headers=auth)
    assert (old.status_code, code(old)) == (409, "stale_agreement")


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"version": "1"}', b'{"version": true}', b'{"version": 1.5}', b"[]", b"nope"],
)
async def test_bad_acceptance_bodies_are_400(
    http: httpx.AsyncClient, auth: dict[str, str], body: bytes
) -> None:
    response = await http.post("programs/P-1-00001/batch/acceptance", content=body, headers=auth)
    assert response.status_code == 400
    assert code(response) in {"malformed_json", "invalid_field"}


async def test_trust_lists_the_demo_issuer(http: httpx.AsyncClient, issuer: factory.Issued) -> None:
    response = await http.get("trust")
    assert response.status_code == 200
    trust = decode(response.content, Trust)
    subjects = [item.subject for item in trust.issuers]
    assert issuer.certificate.subject.rfc4514_string() in subjects
    loaded = trust.certificates()
    assert all(isinstance(item, x509.Certificate) for item in loaded)
    assert issuer.certificate in loaded


async def test_dates_are_utc_on_the_wire(http: httpx.AsyncClient) -> None:
    body = (
        await http.post("session", json={"user_id": "jsmith6544", "password": "SevisDemo#2026"})
    ).json()
    last = dt.datetime.fromisoformat(body["user"]["last_login"].replace("Z", "+00:00"))
    assert last.utcoffset() == dt.timedelta(0)

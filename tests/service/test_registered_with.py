"""GET /batch/registrations: which of the user's programs have this certificate as their
current registration, in-process and over real HTTP (the `api` fixture runs both)."""

from __future__ import annotations

from typing import Any

import httpx

from sevis_tui.cert import inspect_bytes
from sevis_tui.cert.factory import pem
from sevis_tui.contract import CertificatePrograms, decode
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .support import code


async def log_in(api: httpx.AsyncClient) -> dict[str, str]:
    response = await api.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def register(api: httpx.AsyncClient, auth: dict[str, str], number: str, body: bytes) -> str:
    version = (await api.get("batch/agreement", headers=auth)).json()["version"]
    accepted = await api.post(
        f"programs/{number}/batch/acceptance", json={"version": version}, headers=auth
    )
    assert accepted.status_code == 201, accepted.text
    uploaded = await api.post(
        f"programs/{number}/batch/certificate",
        content=body,
        headers={**auth, "Idempotency-Key": f"key-{number}-{len(body)}-{body[-40:]!r}"},
    )
    assert uploaded.status_code == 201, uploaded.text
    return str(uploaded.json()["number"])


async def registered(api: httpx.AsyncClient, auth: dict[str, str], sha256: str) -> Any:
    response = await api.get("batch/registrations", params={"sha256": sha256}, headers=auth)
    assert response.status_code == 200, response.text
    return decode(response.content, CertificatePrograms)


async def test_lists_the_programs_where_the_certificate_is_current(
    api: httpx.AsyncClient, certs: Any
) -> None:
    auth = await log_in(api)
    first = certs.good(common_name="Jordan Smith one")
    body = pem(first.certificate)
    sha256 = inspect_bytes(body, _policy(certs)).subject.sha256
    assert (await registered(api, auth, sha256)).programs == ()
    one = await register(api, auth, "P-1-00001", body)
    two = await register(api, auth, "P-1-00002", body)
    answer = await registered(api, auth, sha256)
    assert [(p.number, p.confirmation, p.user_id) for p in answer.programs] == [
        ("P-1-00001", one, DEMO_USER_ID),
        ("P-1-00002", two, DEMO_USER_ID),
    ]
    assert answer.sha256 == sha256
    # Any case, without colons: the same answer, the fingerprint as stored.
    plain = await registered(api, auth, sha256.replace(":", "").lower())
    assert plain == answer
    # Replaced for P-1-00002 by another certificate: no longer listed there.
    await register(api, auth, "P-1-00002", certs.pem(common_name="Jordan Smith two"))
    assert (await registered(api, auth, sha256)).numbers() == {"P-1-00001"}


async def test_programs_of_other_officials_are_not_listed(
    api: httpx.AsyncClient, certs: Any, database: Any
) -> None:
    import sqlite3

    auth = await log_in(api)
    body = certs.pem(common_name="Jordan Smith three")
    sha256 = inspect_bytes(body, _policy(certs)).subject.sha256
    await register(api, auth, "P-1-00003", body)  # ARO there
    assert (await registered(api, auth, sha256)).numbers() == {"P-1-00003"}
    # Removed as official: the program is no longer the user's, so it is not listed.
    with sqlite3.connect(database) as connection:
        connection.execute(
            "DELETE FROM officials WHERE program = 'P-1-00003' AND user_id = ?", (DEMO_USER_ID,)
        )
    assert (await registered(api, auth, sha256)).programs == ()


async def test_bad_fingerprints_and_no_session_are_refused(api: httpx.AsyncClient) -> None:
    auth = await log_in(api)
    for value in ("", "AB:CD", "Z" * 64, "0" * 65, "0" * 63 + "\n"):
        response = await api.get("batch/registrations", params={"sha256": value}, headers=auth)
        assert response.status_code == 400, value
        assert code(response) == "invalid_field"
        assert response.json()["error"]["field"] == "sha256"
    missing = await api.get("batch/registrations", headers=auth)
    assert missing.status_code == 400 and code(missing) == "invalid_field"
    anonymous = await api.get("batch/registrations", params={"sha256": "0" * 64})
    assert anonymous.status_code == 401 and code(anonymous) == "not_authenticated"


def _policy(certs: Any) -> Any:
    from sevis_tui.cert import Policy

    return Policy(accepted_issuers=[certs.issuer.certificate], now=certs.clock.now)

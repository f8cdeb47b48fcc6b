"""The batch door over real TLS: only the current registration, for an active official."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509

from sevis_tui.api.batch_client import BatchClient, BatchError
from sevis_tui.cert import factory
from sevis_tui.cert.describe import fingerprint
from sevis_tui.service.store import stamp

from .conftest import PROGRAM, USER, Listener, Register


def sha256_of(certificate: x509.Certificate) -> str:
    return fingerprint(factory.der(certificate), "sha256")


async def test_register_check_replace_and_the_old_certificate_is_refused(
    listener: Listener, register: Register, certs: Any
) -> None:
    first = certs.good()
    await register(first)
    async with listener.client(first) as client:
        reply = await client.check(PROGRAM, USER)
    assert reply.accepted, reply
    assert reply.details["sha256"] == sha256_of(first.certificate)
    assert reply.details["role"] == "RO"

    second = certs.good(serial=7)  # the same key, another certificate: a renewal
    confirmation = await register(second)
    async with listener.client(first) as client:
        old = await client.check(PROGRAM, USER)
    assert (old.accepted, old.code, old.reason) == (False, "C0001", "certificate_not_registered")
    assert old.status == 403
    assert old.presented == sha256_of(first.certificate)
    assert old.registered["sha256"] == sha256_of(second.certificate)
    assert old.registered["confirmation"] == confirmation["number"]
    registered_at = dt.datetime.fromisoformat(old.registered["registeredAt"])
    assert registered_at == dt.datetime.fromisoformat(confirmation["time"].replace("Z", "+00:00"))
    assert old.message and old.remedy

    async with listener.client(second) as client:
        assert (await client.check(PROGRAM, USER)).accepted


async def test_a_client_without_a_certificate_gets_a_clear_refusal(
    listener: Listener, registered: factory.Issued
) -> None:
    async with listener.client(None) as client:
        reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason, reply.status) == ("C0003", "no_certificate", 403)
    assert ("batch-check", "no_certificate") in listener.rows("SELECT action, result FROM audit")


async def test_refusals_without_a_certificate_are_counted_per_client_and_interval(
    listener: Listener, clock: Any
) -> None:
    """Issue 21: a stranger's flood is one audit row per address and minute, with its count,
    and the user ID the stranger chose is written nowhere."""
    async with listener.client(None) as client:
        for n in range(20):
            reply = await client.check(PROGRAM, f"flood{n:05d}")
            assert reply.reason == "no_certificate"
        clock.advance(minutes=1)
        await client.check(PROGRAM, "flood99999")
    rows = listener.rows("SELECT user_id, action, result, detail FROM audit ORDER BY id")
    assert [row[:3] for row in rows] == [("", "batch-check", "no_certificate")] * 2
    assert "C0003: 20 requests without a usable client certificate from 127.0.0.1" in rows[0][3]
    assert "C0003: 1 request without" in rows[1][3]
    assert "flood" not in str(rows)


async def test_an_unaccepted_issuer_is_refused_by_the_handshake_and_the_listener_serves_on(
    listener: Listener, registered: factory.Issued, personal_key: Any, clock: Any
) -> None:
    stranger = factory.make_ca("Unaccepted Issuing CA", not_before=clock.now - dt.timedelta(days=2))
    outsider = factory.make_personal(
        stranger, key=personal_key, not_before=clock.now - dt.timedelta(days=1)
    )
    async with listener.client(outsider) as client:
        with pytest.raises(BatchError) as refused:
            await client.check(PROGRAM, USER)
    assert refused.value.code == "handshake_refused"
    assert "handshake" in refused.value.message
    async with listener.client(registered) as client:
        assert (await client.check(PROGRAM, USER)).accepted


async def test_the_same_subject_with_another_key_is_not_the_registered_certificate(
    listener: Listener, registered: factory.Issued, certs: Any
) -> None:
    impostor = factory.make_personal(
        certs.issuer,
        key=factory.new_key("ec"),
        not_before=certs.clock.now - dt.timedelta(days=1),
        serial=registered.certificate.serial_number,
    )
    assert impostor.certificate.subject == registered.certificate.subject
    async with listener.client(impostor) as client:
        reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("C0001", "certificate_not_registered")
    assert reply.registered["sha256"] == sha256_of(registered.certificate)


async def test_an_expired_registered_certificate_is_refused_on_the_service_clock(
    listener: Listener, registered: factory.Issued, clock: Any
) -> None:
    clock.now = registered.certificate.not_valid_after_utc + dt.timedelta(seconds=1)
    async with listener.client(registered) as client:
        reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("C0002", "certificate_expired")


@pytest.mark.parametrize(
    ("orgid", "userid", "code", "reason"),
    [
        ("P-1-99999", USER, "C0001", "not_recognized"),
        ("not-a-program", USER, "S0002", "invalid_organization"),
        ("P-1-00002", USER, "C0001", "no_registration"),
        (PROGRAM, "rpatel4407", "S0003", "not_an_official"),
        (PROGRAM, "nobody0001", "S0003", "unknown_user"),
        (PROGRAM, "", "S0003", "unknown_user"),
        (PROGRAM, "x" * 5000, "S0003", "unknown_user"),
    ],
)
async def test_programs_and_user_ids_that_may_not_send(
    client: BatchClient, listener: Listener, orgid: str, userid: str, code: str, reason: str
) -> None:
    reply = await client.check(orgid, userid)
    assert (reply.accepted, reply.code, reply.reason) == (False, code, reason)
    assert reply.message and reply.remedy
    assert ("batch-check", reason) in listener.rows("SELECT action, result FROM audit")


async def test_a_certificate_naming_no_official_learns_nothing_about_any_program(
    listener: Listener, registered: factory.Issued, certs: Any
) -> None:
    """Issue 21: a stranger's certificate (accepted issuer, another user ID) gets one refusal,
    the same for a registered program, one without registration, another's and none at all."""
    stranger = certs.good(user_id="stranger01", serial=99)
    async with listener.client(stranger) as client:
        replies = [
            await client.check(orgid, USER)
            for orgid in (PROGRAM, "P-1-00002", "P-1-00004", "P-1-99999")
        ]
    said = {(r.status, r.code, r.reason, r.message, r.remedy) for r in replies}
    assert len(said) == 1 and next(iter(said))[:3] == (403, "C0001", "not_recognized")
    assert all(not r.registered and not r.details for r in replies)
    assert sha256_of(registered.certificate) not in str(replies)


async def test_a_certificate_registered_by_an_official_may_ask_about_their_other_programs(
    listener: Listener, register: Register, certs: Any
) -> None:
    """No user ID in the subject: the registration made by the demo user (RO of P-1-00001 and
    P-1-00002, not of P-1-00004) is what identifies the certificate's holder."""
    named = certs.good(common_name="Jordan Smith", serial=42)
    async with listener.client(named) as client:
        before = await client.check(PROGRAM, USER)
    assert before.reason == "not_recognized"
    await register(named)
    async with listener.client(named) as client:
        assert (await client.check(PROGRAM, USER)).accepted
        other = await client.check("P-1-00002", USER)
        foreign = await client.check("P-1-00004", USER)
    assert (other.code, other.reason) == ("C0001", "no_registration")
    assert (foreign.code, foreign.reason) == ("C0001", "not_recognized")


async def test_a_locked_user_id_is_refused(client: BatchClient, listener: Listener) -> None:
    listener.change("UPDATE users SET locked_at = '2026-01-01' WHERE user_id = ?", USER)
    reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("S0003", "user_locked")


async def test_a_user_id_inactive_for_45_days_is_refused(
    client: BatchClient, listener: Listener, clock: Any
) -> None:
    long_ago = stamp(clock.now - dt.timedelta(days=46))
    listener.change(
        "UPDATE users SET last_login = ?, active_since = ? WHERE user_id = ?",
        long_ago,
        long_ago,
        USER,
    )
    reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("S0003", "user_inactive")


async def test_a_user_id_deactivated_by_the_administrator_may_not_send(
    client: BatchClient, listener: Listener
) -> None:
    from sevis_tui.cli import main

    assert main(["serve", "admin", "deactivate", USER, "--db", str(listener.database)]) == 0
    reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("S0003", "user_inactive")
    assert "deactivated" in reply.message
    assert main(["serve", "admin", "reactivate", USER, "--db", str(listener.database)]) == 0
    assert (await client.check(PROGRAM, USER)).accepted


async def test_a_withdrawn_program_may_not_send(client: BatchClient, listener: Listener) -> None:
    listener.change("UPDATE programs SET status = 'WITHDRAWN' WHERE number = ?", PROGRAM)
    reply = await client.check(PROGRAM, USER)
    assert (reply.code, reply.reason) == ("S0002", "program_inactive")


async def test_accepted_checks_are_audited_with_the_certificate(
    client: BatchClient, listener: Listener, registered: factory.Issued
) -> None:
    assert (await client.check(PROGRAM, USER)).accepted
    rows = listener.rows(
        "SELECT user_id, program, result, detail FROM audit WHERE action = 'batch-check'"
    )
    assert rows == [
        (
            USER,
            PROGRAM,
            "ok",
            f"certificate {sha256_of(registered.certificate)}",
        )
    ]


async def test_the_app_reads_the_standard_tls_extension(
    clock: Any, issuer: factory.Issued, certs: Any
) -> None:
    """Under uvicorn, every request's scope carries scope["extensions"]["tls"]."""
    import json

    from starlette.responses import Response

    from sevis_tui.service.batch.listener import BatchListener, demo_server_identity, server_context

    seen: list[Any] = []

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["extensions"]["tls"])
        await Response(json.dumps(seen[-1]))(scope, receive, send)

    person = certs.good()
    context = server_context([issuer.certificate], identity=demo_server_identity(issuer, clock.now))
    with BatchListener(echo, context) as running:
        ca = factory.pem(issuer.certificate).decode()
        from sevis_tui.api.batch_client import BatchIdentity

        async with BatchClient(
            running.url, BatchIdentity(person.key, person.certificate), ca_pem=ca
        ) as client:
            for _ in range(2):  # two requests on one connection
                await client.http.get("/")
    tls = seen[0]
    assert tls["client_cert_chain"] == [factory.pem(person.certificate).decode()]
    assert tls["client_cert_name"] == person.certificate.subject.rfc4514_string()
    assert tls["client_cert_error"] is None
    assert tls["tls_version"] in {0x0303, 0x0304}
    assert isinstance(tls["cipher_suite"], int) and 0 < tls["cipher_suite"] <= 0xFFFF
    assert tls["server_cert"].startswith("-----BEGIN CERTIFICATE-----")
    assert seen[1] == tls

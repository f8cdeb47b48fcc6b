"""The engine that registers one certificate for several programs
(sevis_tui/workflows/multi_register.py), driven against the real service in-process; faults are
injected at the transport only."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from sevis_tui.api import errors
from sevis_tui.api.client import SevisClient
from sevis_tui.cert import Policy, inspect_bytes
from sevis_tui.service import accounts, programs
from sevis_tui.service.demo import (
    DEMO_PASSWORD,
    DEMO_USER_ID,
    extra_program_number,
    seed_extra_programs,
)
from sevis_tui.storage.atomic import write_atomic
from sevis_tui.workflows.multi_register import (
    AgreementChanged,
    Certificate,
    MultiRegistration,
    Outcome,
    Step,
    Stop,
    Target,
    receipt_text,
)

from .conftest import in_process

THREE = ("P-1-00001", "P-1-00002", "P-1-00003")
Fault = Callable[[httpx.Request], httpx.Response]


@dataclass
class Wire(httpx.AsyncBaseTransport):
    """The real service, with faults armed per "METHOD path part"; records what was sent."""

    inner: httpx.AsyncBaseTransport
    faults: dict[str, list[str]] = field(default_factory=dict)
    sent: list[tuple[str, str]] = field(default_factory=list)  # (method path, key)

    def arm(self, where: str, fault: str) -> None:
        self.faults.setdefault(where, []).append(fault)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        line = f"{request.method} {request.url.path}"
        self.sent.append((line, request.headers.get("idempotency-key", "")))
        for where, pending in self.faults.items():
            if pending and where in line:
                fault = pending.pop(0)
                if fault == "500":
                    return httpx.Response(500, text="Internal Server Error", request=request)
                if fault == "refused":
                    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
                if fault == "lost":  # reaches the service; the answer is lost on the way back
                    await self.inner.handle_async_request(request)
                    raise httpx.ReadTimeout("the answer was lost", request=request)
        return await self.inner.handle_async_request(request)

    def uploads(self) -> list[tuple[str, str]]:
        return [(line, key) for line, key in self.sent if line.endswith("/batch/certificate")]


@pytest.fixture
async def wire(app: Starlette) -> Wire:
    return Wire(in_process(app))


@pytest.fixture
async def client(wire: Wire) -> AsyncIterator[SevisClient]:
    http = httpx.AsyncClient(transport=wire, base_url="http://test/api/v1/")
    async with SevisClient(http, retries=0) as client:
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        yield client


@pytest.fixture
def certificate(certs: Any, tmp_path: Path) -> Certificate:
    """Checked offline once, from a file on disk, as the app and the command do."""
    path = tmp_path / "jsmith6544.pem"
    path.write_bytes(certs.pem(common_name="Jordan Smith"))
    report = inspect_bytes(path.read_bytes(), policy(certs), name=path.name)
    return Certificate.from_report(report, path.name)


def policy(certs: Any) -> Policy:
    return Policy(accepted_issuers=[certs.issuer.certificate], now=certs.clock.now)


def rows(database: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute(sql, args).fetchall())


def per_program(database: Path, table: str) -> dict[str, int]:
    return dict(rows(database, f"SELECT program, COUNT(*) FROM {table} GROUP BY program"))


async def engine(client: SevisClient, numbers: tuple[str, ...], **options: Any) -> Any:
    listed = {p.number: p for p in await client.programs()}
    targets = [Target.of(listed[n]) if n in listed else Target(n) for n in numbers]
    version = (await client.agreement()).version
    return MultiRegistration(client, targets, agreement_version=version, **options)


async def test_one_certificate_three_programs_then_again_sends_nothing(
    client: SevisClient, wire: Wire, certificate: Certificate, database: Path
) -> None:
    run = await engine(client, THREE)
    steps: list[Step] = []
    await run.register(certificate, steps.append)
    assert [r.outcome for r in run.results] == [Outcome.REGISTERED] * 3
    assert [(s.kind, s.position, s.total) for s in steps[:2]] == [("start", 1, 3), ("done", 1, 3)]
    keys = [key for _line, key in wire.uploads()]
    assert len(set(keys)) == 3 and all(keys)  # one Idempotency-Key per program
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)
    assert per_program(database, "acceptances") == dict.fromkeys(THREE, 1)
    audited = rows(database, "SELECT program, action FROM audit WHERE result = 'ok'")
    for number in THREE:
        assert (number, "accept") in audited and (number, "upload") in audited
    shas = rows(database, "SELECT DISTINCT sha256 FROM registrations")
    assert shas == [(certificate.sha256,)]
    # A new run (as a second `sevis-tui register`): every program already has it; none is sent.
    before = len(wire.uploads())
    again = await engine(client, THREE)
    await again.register(certificate)
    assert [r.outcome for r in again.results] == [Outcome.ALREADY] * 3
    assert len(wire.uploads()) == before
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)


async def test_a_5xx_for_one_program_does_not_stop_the_others_and_retry_repeats_only_it(
    client: SevisClient, wire: Wire, certificate: Certificate, database: Path
) -> None:
    run = await engine(client, THREE)
    wire.arm("P-1-00002/batch/certificate", "500")
    await run.register(certificate)
    assert [r.outcome for r in run.results] == [
        Outcome.REGISTERED,
        Outcome.FAILED,
        Outcome.REGISTERED,
    ]
    failed = run.results[1]
    assert isinstance(failed.error, errors.ServiceUnavailable)
    assert "retry the failed ones" in failed.what_to_do().lower()
    first_key = failed.key
    sent_before = len(wire.uploads())
    await run.register(certificate)
    assert run.all_done and run.results[1].outcome == Outcome.REGISTERED
    retried = wire.uploads()[sent_before:]
    assert retried == [("POST /api/v1/programs/P-1-00002/batch/certificate", first_key)]
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)
    assert per_program(database, "acceptances") == dict.fromkeys(THREE, 1)


async def test_a_lost_answer_is_retried_with_its_key_and_registers_once(
    client: SevisClient, wire: Wire, certificate: Certificate, database: Path
) -> None:
    run = await engine(client, THREE[:2])
    wire.arm("P-1-00001/batch/certificate", "lost")
    await run.register(certificate)
    assert run.results[0].outcome == Outcome.FAILED
    # The service did register it; the retry with the same key gets that confirmation back
    # (it is not taken for "already registered", which would hide the confirmation number).
    (stored,) = rows(database, "SELECT confirmation FROM registrations WHERE program = ?", THREE[0])
    await run.register(certificate)
    assert run.results[0].outcome == Outcome.REGISTERED
    assert run.results[0].confirmation is not None
    assert run.results[0].confirmation.number == stored[0]
    assert per_program(database, "registrations") == dict.fromkeys(THREE[:2], 1)


async def test_programs_gone_or_officer_removed_between_marking_and_uploading(
    client: SevisClient, app: Starlette, certificate: Certificate, database: Path
) -> None:
    run = await engine(client, THREE)
    store = app.state.service.store
    store.write(lambda tx: tx.execute("DELETE FROM officials WHERE program = 'P-1-00002'"))
    store.write(lambda tx: tx.execute("DELETE FROM officials WHERE program = 'P-1-00003'"))
    store.write(lambda tx: tx.execute("DELETE FROM programs WHERE number = 'P-1-00003'"))
    await run.register(certificate)
    first, removed, gone = run.results
    assert first.outcome == Outcome.REGISTERED
    assert removed.outcome == Outcome.REFUSED
    assert isinstance(removed.error, errors.NotAnOfficial)
    assert gone.outcome == Outcome.REFUSED and isinstance(gone.error, errors.ProgramNotFound)
    assert per_program(database, "registrations") == {"P-1-00001": 1}
    assert "RO" in removed.what_to_do()


async def test_an_inactive_program_is_refused_without_sending(
    client: SevisClient, wire: Wire, certificate: Certificate
) -> None:
    run = MultiRegistration(
        client,
        [Target("P-1-00005", "Prairie", "WITHDRAWN"), Target("P-1-00001")],
        agreement_version=1,
    )
    await run.register(certificate)
    assert run.results[0].outcome == Outcome.REFUSED
    assert isinstance(run.results[0].error, errors.ProgramInactive)
    assert not any("P-1-00005" in line for line, _key in wire.sent)
    assert run.results[1].outcome == Outcome.REGISTERED


async def test_a_session_that_ends_half_way_is_logged_into_again_and_carries_on(
    client: SevisClient, app: Starlette, clock: Any, certificate: Certificate, database: Path
) -> None:
    logins: list[str] = []

    async def relogin() -> bool:
        logins.append("again")
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        return True

    def end_session(step: Step) -> None:
        if step.kind == "done" and step.position == 1:
            app.state.service.store.write(
                lambda tx: accounts.log_out_user(tx, DEMO_USER_ID, clock())
            )

    run = await engine(client, THREE, relogin=relogin)
    await run.register(certificate, end_session)
    assert run.all_done and logins == ["again"]
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)


async def test_without_a_new_login_the_run_stops_and_the_rest_is_not_sent(
    client: SevisClient, app: Starlette, clock: Any, certificate: Certificate
) -> None:
    def end_session(step: Step) -> None:
        if step.kind == "done" and step.position == 1:
            app.state.service.store.write(
                lambda tx: accounts.log_out_user(tx, DEMO_USER_ID, clock())
            )

    run = await engine(client, THREE)
    await run.register(certificate, end_session)
    assert [r.outcome for r in run.results] == [
        Outcome.REGISTERED,
        Outcome.FAILED,
        Outcome.NOT_SENT,
    ]
    assert run.stopped_because == "session"
    assert isinstance(run.results[1].error, errors.SessionExpired)
    await client.login(DEMO_USER_ID, DEMO_PASSWORD)  # the officer logs in again
    await run.register(certificate)
    assert run.all_done


async def test_a_new_agreement_version_before_accepting_accepts_nothing(
    client: SevisClient, app: Starlette, certificate: Certificate, database: Path
) -> None:
    run = await engine(client, THREE)
    publish_version_2(app)
    with pytest.raises(AgreementChanged) as changed:
        await run.accept_all()
    assert changed.value.current.version == 2
    with pytest.raises(AgreementChanged):
        await run.register(certificate)
    assert per_program(database, "acceptances") == {}
    assert per_program(database, "registrations") == {}


async def test_a_new_agreement_version_during_the_run_stops_it(
    client: SevisClient, app: Starlette, certificate: Certificate
) -> None:
    def publish(step: Step) -> None:
        if step.kind == "done" and step.position == 1:
            publish_version_2(app)

    run = await engine(client, THREE)
    await run.accept_all(publish)
    assert [r.accepted_version for r in run.results] == [1, None, None]
    assert isinstance(run.results[1].error, errors.StaleAgreement)
    assert run.results[2].outcome == Outcome.NOT_SENT and run.stopped_because == "agreement"


def publish_version_2(app: Starlette) -> None:
    import datetime as dt

    app.state.service.store.write(
        lambda tx: programs.publish_agreement(
            tx, 2, "Batch Processing Agreement", "New text.", dt.date(2026, 12, 1)
        )
    )


async def test_stop_before_the_next_program_then_carry_on(
    client: SevisClient, certificate: Certificate
) -> None:
    stop = Stop()
    run = await engine(client, THREE)

    def stop_after_first(step: Step) -> None:
        if step.kind == "done":
            stop.request()

    await run.register(certificate, stop_after_first, stop)
    assert [r.outcome for r in run.results] == [
        Outcome.REGISTERED,
        Outcome.NOT_SENT,
        Outcome.NOT_SENT,
    ]
    assert run.stopped_because == "stopped"
    await run.register(certificate)
    assert run.all_done


async def test_the_file_changing_on_disk_between_programs_changes_nothing_sent(
    client: SevisClient, certs: Any, tmp_path: Path, database: Path
) -> None:
    path = tmp_path / "renewed.pem"
    path.write_bytes(certs.pem(common_name="Jordan Smith"))
    report = inspect_bytes(path.read_bytes(), policy(certs), name=path.name)
    certificate = Certificate.from_report(report, path.name)

    def replace_file(step: Step) -> None:  # another certificate, then no file at all
        if step.position == 1 and step.kind == "done":
            write_atomic(path, certs.pem(common_name="Somebody Else"), 0o600)
        if step.position == 2 and step.kind == "done":
            path.unlink()

    run = await engine(client, THREE)
    await run.register(certificate, replace_file)
    assert run.all_done
    assert rows(database, "SELECT DISTINCT sha256 FROM registrations") == [(certificate.sha256,)]


async def test_fifty_programs_each_with_its_own_key_and_one_receipt(
    client: SevisClient,
    app: Starlette,
    clock: Any,
    wire: Wire,
    certificate: Certificate,
    database: Path,
    tmp_path: Path,
) -> None:
    from sevis_tui.workflows.printouts import write_text_file

    app.state.service.store.write(lambda tx: seed_extra_programs(tx, 50, clock()))
    numbers = tuple(extra_program_number(i) for i in range(1, 51))
    run = await engine(client, numbers)
    wire.arm(f"{numbers[9]}/batch/certificate", "refused")
    await run.register(certificate)
    assert run.count(Outcome.REGISTERED) == 49 and run.count(Outcome.FAILED) == 1
    assert len({key for _line, key in wire.uploads()}) == 50
    receipt = tmp_path / "receipt.txt"
    write_text_file(receipt, receipt_text(run, certificate, DEMO_USER_ID, clock()))
    text = receipt.read_text(encoding="utf-8")
    assert all(number in text for number in numbers)
    assert "49 of 50 registered" in text and "failed: Cannot reach" in text
    await run.register(certificate)
    assert run.all_done and len(per_program(database, "registrations")) == 50
    assert "50 of 50 registered" in receipt_text(run, certificate, DEMO_USER_ID, clock())


async def test_a_refusal_carries_its_findings(client: SevisClient, certs: Any) -> None:
    junk = Certificate(b"not a certificate", "00" * 32, "CN=nobody", "junk.pem")
    run = await engine(client, THREE[:2])
    await run.register(junk)
    assert [r.outcome for r in run.results] == [Outcome.REFUSED] * 2
    error = run.results[0].error
    assert isinstance(error, errors.CertificateRejected)
    assert error.findings[0].code == "not_a_certificate"
    assert run.results[0].to_dict()["findings"][0]["code"] == "not_a_certificate"


def test_a_report_with_errors_is_no_certificate_to_send(certs: Any) -> None:
    report = inspect_bytes(b"junk", policy(certs), name="junk.pem")
    with pytest.raises(ValueError):
        Certificate.from_report(report, "junk.pem")

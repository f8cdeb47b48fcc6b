"""The certificate's whole life with the demo issuer: request a key and CSR, have the demo issuer
sign it (the vendor's part, done here), make the .p12, inspect it, extract the certificate,
register it for the programs, then `sevis-tui status` with the clock moved to 10 days before
the certificate expires. One clock for the commands and the service: no test uses today's date.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import uuid
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from cryptography import x509

from sevis_tui.api.client import SevisClient
from sevis_tui.cert import inspect_path
from sevis_tui.cert.factory import pem, sign_request
from sevis_tui.cli import main, parse
from sevis_tui.commands import CommandError, extract_cert, make_p12, status
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings, load_settings
from sevis_tui.settings.policy import demo_issuers, load_policy
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL
from sevis_tui.wiring.local_service import create_app, ensure_demo_issuer

START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
EXPIRES = START + dt.timedelta(days=40)
PROGRAMS = ("P-1-00001", "P-1-00002", "P-1-00003")


class Clock:
    """The one clock of the commands and the service; tests move it."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def secret(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


def on_clock(module: ModuleType, argv: list[str], clock: Clock, **more: object) -> int:
    try:
        code: int = module.run(parse(argv), load_settings(), clock=clock, **more)
    except CommandError as error:
        print(f"sevis-tui: {error}", file=sys.stderr)
        return 2
    return code


class Service:
    """The demo service in-process on the test's clock; a fresh client for each event loop."""

    def __init__(self, database: Path, clock: Clock) -> None:
        self.app = create_app(database, demo=True, clock=clock, settings=load_settings())

    async def client(self, settings: Settings | None = None) -> SevisClient:
        transport = httpx.ASGITransport(app=self.app)
        http = httpx.AsyncClient(transport=transport, base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    async def register(self, certificate: bytes, programs: tuple[str, ...]) -> None:
        async with await self.client() as client:
            await client.login(DEMO_USER_ID, DEMO_PASSWORD)
            version = (await client.agreement()).version
            for number in programs:
                await client.accept_agreement(number, version)
                await client.upload_certificate(
                    number, certificate, "jsmith6544.pem", str(uuid.uuid4())
                )


@pytest.fixture
def life(isolated_home: Path) -> tuple[Path, Clock, Service]:
    folder = isolated_home / "work"
    folder.mkdir()
    clock = Clock(START)
    return folder, clock, Service(isolated_home / "service.db", clock)


def status_of(folder: Path, clock: Clock, service: Service, *options: str) -> int:
    argv = ["status", "--user-id", DEMO_USER_ID]
    argv += ["--password-file", secret(folder, "sevis-password", DEMO_PASSWORD), *options]
    return on_clock(status, argv, clock, client_factory=service.client)


def test_the_whole_life_of_a_certificate(
    life: tuple[Path, Clock, Service], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, clock, service = life
    key_pass = secret(folder, "key-pass", "correct horse battery")
    p12_pass = secret(folder, "p12-pass", "another good passphrase")
    # 1. The key and the CSR.
    request = ["request-certificate", "--name", "Jordan Smith", "--email", "js@example.edu"]
    request += ["--organization", "Northfield University", "--user-id", DEMO_USER_ID]
    request += ["--key-type", "ec-p256", "--out-dir", str(folder), "--passphrase-file", key_pass]
    assert main(request) == 0
    # 2. The vendor (the demo issuer) signs the CSR.
    issuer = ensure_demo_issuer(now=START)
    csr = x509.load_pem_x509_csr((folder / "jsmith6544.csr").read_bytes())
    certificate = sign_request(
        issuer, csr, not_before=START - dt.timedelta(days=1), not_after=EXPIRES
    )
    (folder / "from-vendor.pem").write_bytes(pem(certificate))
    # 3. The batch client's .p12.
    make = ["make-p12", "--key", str(folder / "jsmith6544.key")]
    make += ["--cert", str(folder / "from-vendor.pem"), "--out", str(folder / "batch.p12")]
    make += ["--key-passphrase-file", key_pass, "--passphrase-file", p12_pass]
    assert on_clock(make_p12, make, clock) == 0, capsys.readouterr().err
    # 4. Inspect it: OK (the key inside is a warning, not an error).
    policy = load_policy(load_settings(), extra_issuers=demo_issuers(load_settings()), clock=clock)
    report = inspect_path(folder / "batch.p12", policy, password=b"another good passphrase")
    assert report.ok, report.findings
    assert report.subject is not None and report.subject.not_after == EXPIRES
    # 5. The certificate alone, for upload.
    extract = ["extract-cert", str(folder / "batch.p12"), "--passphrase-file", p12_pass]
    assert on_clock(extract_cert, extract, clock) == 0
    upload = (folder / "batch.pem").read_bytes()
    assert b"PRIVATE KEY" not in upload and upload == pem(certificate)
    # 6. Register it for two of the three programs.
    asyncio.run(service.register(upload, PROGRAMS[:2]))
    capsys.readouterr()
    # 7. Ten days before it expires, status says what needs doing.
    clock.now = EXPIRES - dt.timedelta(days=10)
    assert (
        status_of(folder, clock, service, "--json", "--expiring-within", "5") == 1
    )  # P-1-00003 has no certificate
    answer = json.loads(capsys.readouterr().out)
    rows = {row["number"]: row for row in answer["programs"]}
    assert rows["P-1-00001"]["days_left"] == 10 and not rows["P-1-00001"]["attention"]
    assert rows["P-1-00003"]["reason"] == "no certificate is registered"
    assert rows["P-1-00001"]["sha256"] == report.subject.sha256
    assert answer["user"]["active_until"] == (clock.now + dt.timedelta(days=45)).date().isoformat()
    asyncio.run(service.register(upload, PROGRAMS[2:]))
    assert status_of(folder, clock, service, "--expiring-within", "5", "--quiet") == 0
    assert capsys.readouterr().out == ""  # quiet when all is well
    assert status_of(folder, clock, service, "--expiring-within", "10") == 0
    capsys.readouterr()
    assert status_of(folder, clock, service, "--expiring-within", "11") == 1
    assert status_of(folder, clock, service) == 1  # the default window: 30 days
    out = capsys.readouterr().out
    assert out.count("10 days left") == 6 and "User ID active until" in out
    assert "3 of 3 programs need attention" in out
    assert out.index("P-1-00001") < out.index("P-1-00002") < out.index("P-1-00003")


def test_status_when_the_password_is_wrong(
    life: tuple[Path, Clock, Service], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, clock, service = life
    argv = ["status", "--user-id", DEMO_USER_ID]
    argv += ["--password-file", secret(folder, "wrong", "not the password at all")]
    assert on_clock(status, argv, clock, client_factory=service.client) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "wrong" in err and "Traceback" not in err


def test_status_needs_a_user_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--password-file", "/nonexistent"]) == 2
    assert "--user-id" in capsys.readouterr().err

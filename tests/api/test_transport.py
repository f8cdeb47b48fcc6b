"""How the client is opened: the embedded demo service in-process, and HTTPS with verification."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sevis_tui.api import errors
from sevis_tui.cert import factory
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import paths, shipped_settings
from sevis_tui.wiring.embedded import open_client
from sevis_tui.wiring.local_service import create_app

from ..service.background import BackgroundServer


async def test_embedded_mode_runs_the_seeded_demo_service_in_process() -> None:
    settings = shipped_settings()
    assert settings.embedded
    async with await open_client(settings) as client:
        result = await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        programs = await client.programs()
    assert result.user.name == "Jordan Smith"
    assert sorted(item.role for item in programs) == ["ARO", "RO", "RO"]
    assert paths().database.is_file()
    assert paths().demo_issuer_cert.is_file()
    assert paths().demo_issuer_key.stat().st_mode & 0o777 == 0o600
    # Opening again reuses the database and does not duplicate the seed.
    async with await open_client(settings) as client:
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        assert len(await client.programs()) == 3
        trust = await client.trust()
    demo_subject = x509.load_pem_x509_certificate(paths().demo_issuer_cert.read_bytes()).subject
    assert demo_subject.rfc4514_string() in [item.subject for item in trust.issuers]


async def test_an_unexpected_error_reaches_the_embedded_client_as_the_services_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Starlette re-raises an unexpected error after its handler answered 500; the embedded
    wiring must not let it escape into the app as an exception."""
    from sevis_tui.service import programs

    def broken(*args: object) -> None:
        raise RuntimeError("simulated bug")

    async with await open_client(shipped_settings()) as client:
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        monkeypatch.setattr(programs, "list_programs", broken)
        with pytest.raises(errors.ServiceUnavailable) as caught:
            await client.programs()
    assert (caught.value.status, caught.value.code) == (500, "internal_error")
    assert "simulated bug" not in str(caught.value)


def server_certificate(ca: factory.Issued) -> factory.Issued:
    key = factory.new_key("ec", curve="secp256r1")
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return factory.Issued(certificate, key)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[BackgroundServer, Path]]:
    ca = factory.make_ca("Test Server CA")
    served = server_certificate(ca)
    cert_file, key_file, ca_file = tmp_path / "s.pem", tmp_path / "s.key", tmp_path / "ca.pem"
    cert_file.write_bytes(factory.pem(served.certificate))
    key_file.write_bytes(factory.key_pem(served.key))
    ca_file.write_bytes(factory.pem(ca.certificate))
    app = create_app(tmp_path / "served.db", demo=True)
    with BackgroundServer(app, tls_cert=str(cert_file), tls_key=str(key_file)) as server:
        yield server, ca_file


async def test_tls_is_verified_against_the_system_store_or_the_bundle(
    tls_server: tuple[BackgroundServer, Path],
) -> None:
    server, ca_file = tls_server
    assert server.url.startswith("https://")
    untrusted = shipped_settings({"server": {"url": server.url, "timeout": 5}})
    async with await open_client(untrusted) as client:
        with pytest.raises(errors.TLSFailure) as caught:
            await client.trust()
    assert "server.ca_bundle" in caught.value.remedy
    trusted = shipped_settings(
        {"server": {"url": server.url, "timeout": 5, "ca_bundle": str(ca_file)}}
    )
    async with await open_client(trusted) as client:
        result = await client.login(DEMO_USER_ID, DEMO_PASSWORD)
    assert result.user_id == DEMO_USER_ID

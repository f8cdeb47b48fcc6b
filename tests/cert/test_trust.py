"""Accepted issuers: certifi-derived default, configured bundle, demo issuer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import cryptography_vectors
import pytest
from cryptography.x509.oid import NameOID

from sevis_tui.cert import default_issuers, inspect_bytes
from sevis_tui.cert.factory import pem
from sevis_tui.settings.config import ConfigError, load_settings, paths
from sevis_tui.settings.policy import demo_issuers, load_policy


def _organizations(certificates: Any) -> set[str]:
    return {
        str(a.value)
        for c in certificates
        for a in c.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    }


def test_default_is_the_vendor_roots_from_certifi() -> None:
    issuers = default_issuers()
    organizations = _organizations(issuers)
    assert {"The USERTRUST Network", "IdenTrust", "Sectigo Limited", "COMODO CA Limited"} <= (
        organizations
    )
    assert all(c.subject == c.issuer for c in issuers)  # roots only
    assert not any("DigiCert" in o or "ISRG" in o for o in organizations)


def test_load_policy_from_settings(
    tmp_path: Path, pki: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(load_settings())
    assert policy.accepted_issuers == default_issuers()
    assert policy.expiry_warning_days == 30 and policy.max_bytes == 1024 * 1024
    bundle = tmp_path / "ours.pem"
    bundle.write_bytes(pem(pki.accepted_root.certificate) + pem(pki.foreign_root.certificate))
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(bundle))
    monkeypatch.setenv("SEVIS_TUI_EXPIRY_WARNING_DAYS", "45")
    policy = load_policy(load_settings(), extra_issuers=[pki.intermediate.certificate])
    assert policy.accepted_issuers == (
        pki.accepted_root.certificate,
        pki.foreign_root.certificate,
        pki.intermediate.certificate,
    )
    assert policy.expiry_warning_days == 45
    person = pki.person(issuer=pki.foreign_intermediate)
    assert inspect_bytes(
        pem(person.certificate) + pem(pki.foreign_intermediate.certificate), policy
    ).ok


def test_unusable_bundle_raises_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(tmp_path / "none.pem"))
    with pytest.raises(ConfigError, match="cannot read the accepted issuers bundle"):
        load_policy(load_settings())


def test_demo_issuer_only_when_embedded_and_present(
    pki: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    assert settings.embedded and demo_issuers(settings) == ()
    where = paths().demo_issuer_cert
    where.parent.mkdir(parents=True)
    where.write_bytes(pem(pki.accepted_root.certificate))
    assert demo_issuers(settings) == (pki.accepted_root.certificate,)
    monkeypatch.setenv("SEVIS_TUI_SERVER", "https://sevis.example.org")
    assert demo_issuers(load_settings()) == ()


def test_parse_warnings_hidden_for_the_engine_only() -> None:
    """A fresh interpreter (pytest resets warning filters): the engine's parsing of certifi's
    bundle and of a negative-serial certificate shows no warning; other code still gets it."""
    negative = Path(cryptography_vectors.__path__[0], "x509", "custom", "negative_serial.pem")
    probe = (
        "from cryptography import x509\n"
        "from sevis_tui.cert import Policy, default_issuers, inspect_path\n"
        "from sevis_tui.cert.text_report import plain_text\n"
        "assert default_issuers()\n"
        f"report = inspect_path({str(negative)!r}, Policy())\n"
        "assert report.subject is not None and report.to_dict() and plain_text(report)\n"
        "print('engine done', flush=True)\n"
        f"x509.load_pem_x509_certificate(open({str(negative)!r}, 'rb').read()).serial_number\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "engine done\n"
    # Only the probe's own parse warns (shown once for its line), nothing from the engine.
    assert done.stderr.count("CryptographyDeprecationWarning") == 1, done.stderr
    assert done.stderr.startswith("<string>:8: "), done.stderr
    assert "sevis_tui" not in done.stderr, done.stderr

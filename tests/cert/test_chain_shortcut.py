"""The judge skips the verifier when no certificate could have issued the leaf.

The shortcut compares names as RFC 4514 text; these tests check that it says exactly what
the verifier would say, including the cases where names differ only in letter case or string
type (the verifier matches issuers by exact name) and where the leaf is itself accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from sevis_tui.cert import FileReport, Policy, inspect_bytes
from sevis_tui.cert import chain as chain_module
from sevis_tui.cert.factory import Issued, make_ca, new_key, pem

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _issued_under_name(signer: Issued, issuer_name: x509.Name) -> x509.Certificate:
    """A personal certificate signed by `signer` but naming `issuer_name` as its issuer."""
    key = new_key("rsa", 2048)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jsmith6544")]))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(6544)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=300))
        .sign(signer.key, hashes.SHA256())  # type: ignore[arg-type]
    )


def _renamed(name: x509.Name, *, lower: bool = False, retype: bool = False) -> x509.Name:
    attributes = []
    for attribute in name:
        value = attribute.value
        kind = attribute._type
        if attribute.oid == NameOID.COMMON_NAME:
            if lower and isinstance(value, str):
                value = value.lower()
            if retype:
                kind = (
                    _ASN1Type.PrintableString
                    if kind != _ASN1Type.PrintableString
                    else _ASN1Type.UTF8String
                )
        attributes.append(x509.NameAttribute(attribute.oid, value, kind))
    return x509.Name(attributes)


def _scenarios(pki: Any) -> dict[str, tuple[bytes, Policy]]:
    intermediate = pki.intermediate
    subject = intermediate.certificate.subject
    person = pki.person()
    impostor = make_ca("Test Accepted Root", organization="Accepted Test CA", key=pki.other_key)
    return {
        "chain in file": (pem(person.certificate) + pem(intermediate.certificate), pki.policy),
        "intermediate missing": (pem(person.certificate), pki.policy),
        "foreign partial chain": (
            pem(pki.person(issuer=pki.foreign_intermediate).certificate)
            + pem(pki.foreign_intermediate.certificate),
            pki.policy,
        ),
        "issuer name in other case": (
            pem(_issued_under_name(intermediate, _renamed(subject, lower=True)))
            + pem(intermediate.certificate),
            pki.policy,
        ),
        "issuer name of other string type": (
            pem(_issued_under_name(intermediate, _renamed(subject, retype=True)))
            + pem(intermediate.certificate),
            pki.policy,
        ),
        "leaf itself accepted": (
            pem(person.certificate),
            Policy(accepted_issuers=(pki.accepted_root.certificate, person.certificate)),
        ),
        "forged accepted name": (
            pem(pki.person(issuer=impostor).certificate),
            pki.policy,
        ),
        "issued by the accepted root": (
            pem(pki.person(issuer=pki.accepted_root).certificate),
            pki.policy,
        ),
    }


def _always_verify(*_args: object) -> bool:
    return True


@pytest.mark.parametrize(
    "scenario",
    [
        "chain in file",
        "intermediate missing",
        "foreign partial chain",
        "issuer name in other case",
        "issuer name of other string type",
        "leaf itself accepted",
        "forged accepted name",
        "issued by the accepted root",
    ],
)
def test_shortcut_says_what_the_verifier_says(
    pki: Any, scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, policy = _scenarios(pki)[scenario]
    policy = Policy(accepted_issuers=policy.accepted_issuers, now=NOW)
    with_shortcut: FileReport = inspect_bytes(data, policy)
    monkeypatch.setattr(chain_module, "_issuer_candidates", _always_verify)
    verified_every_time = inspect_bytes(data, policy)
    assert with_shortcut.findings == verified_every_time.findings


def test_names_differing_in_case_do_not_chain(pki: Any) -> None:
    subject = pki.intermediate.certificate.subject
    data = pem(_issued_under_name(pki.intermediate, _renamed(subject, lower=True))) + pem(
        pki.intermediate.certificate
    )
    codes = {f.code for f in inspect_bytes(data, pki.policy).findings}
    assert "missing_intermediate" in codes


def test_leaf_that_is_itself_accepted_is_accepted(pki: Any) -> None:
    person = pki.person()
    policy = Policy(accepted_issuers=(pki.accepted_root.certificate, person.certificate))
    codes = {f.code for f in inspect_bytes(pem(person.certificate), policy).findings}
    assert codes == {"issuer_accepted"}

"""What the path check says for chains that almost work.

The explanations walk the file's chain by name as RFC 4514 text, while the verifier matches
issuers by exact name: these cover names that differ only in letter case or string type, a
leaf that is itself accepted, a forged issuer name and an issuer missing from the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from sevis_tui.cert import Policy, inspect_bytes
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
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()),
            critical=False,
        )
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


EXPECTED = {
    "chain in file": {"issuer_accepted"},
    "intermediate missing": {"missing_intermediate"},
    "foreign partial chain": {"missing_intermediate"},
    "issuer name in other case": {"chain_invalid"},
    "issuer name of other string type": {"chain_invalid"},
    "leaf itself accepted": {"issuer_accepted"},
    "forged accepted name": {"chain_invalid"},
    "issued by the accepted root": {"issuer_accepted"},
}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_each_path_gets_its_finding(pki: Any, scenario: str) -> None:
    data, policy = _scenarios(pki)[scenario]
    policy = Policy(accepted_issuers=policy.accepted_issuers, now=NOW)
    report = inspect_bytes(data, policy)
    assert {f.code for f in report.findings} == EXPECTED[scenario], report.findings
    for found in report.findings:
        assert found.severity == "info" or found.remedy, found


def test_issuer_named_in_other_case_says_the_names_differ(pki: Any) -> None:
    subject = pki.intermediate.certificate.subject
    data = pem(_issued_under_name(pki.intermediate, _renamed(subject, lower=True))) + pem(
        pki.intermediate.certificate
    )
    found = next(f for f in inspect_bytes(data, pki.policy).findings if f.code == "chain_invalid")
    assert "names as its issuer the key of «Test Client CA»" in found.message
    assert "CN=test client ca" in found.message


def test_leaf_that_is_itself_accepted_is_accepted(pki: Any) -> None:
    person = pki.person()
    policy = Policy(accepted_issuers=(pki.accepted_root.certificate, person.certificate))
    codes = {f.code for f in inspect_bytes(pem(person.certificate), policy).findings}
    assert codes == {"issuer_accepted"}

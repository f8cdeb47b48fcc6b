"""What the path check says for chains that almost work.

The explanations walk the file's chain by name as RFC 4514 text, while the verifier matches
issuers by exact name: these cover names that differ only in letter case or string type, a
leaf that is itself accepted, a forged issuer name and an issuer missing from the file.

Only cryptography's public API: a name with another string type than our builders write
(PrintableString where they write UTF8String) comes from a certificate of the
`cryptography-vectors` package, whose names were written by OpenSSL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import cryptography_vectors
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
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


def _lower_case(name: x509.Name) -> x509.Name:
    """The name with its common name in lower case (each attribute of its default type, as our
    builders write them)."""
    return x509.Name(
        [
            x509.NameAttribute(
                attribute.oid,
                attribute.value.lower()
                if attribute.oid == NameOID.COMMON_NAME and isinstance(attribute.value, str)
                else attribute.value,
            )
            for attribute in name
        ]
    )


def _openssl_written_name() -> x509.Name:
    """A name whose strings are PrintableString (OpenSSL's choice), not our UTF8String."""
    path = Path(cryptography_vectors.__file__).parent / "x509/custom/dsa_selfsigned_ca.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()).subject


def _retyped_pair() -> tuple[x509.Name, x509.Name]:
    """Two names with the same RFC 4514 text but other string types, hence other DER."""
    printable = _openssl_written_name()
    utf8 = x509.Name.from_rfc4514_string(printable.rfc4514_string())
    # What the scenario stands on: equal as text, different as the verifier compares them.
    assert utf8.rfc4514_string() == printable.rfc4514_string()
    assert utf8.public_bytes() != printable.public_bytes()
    return printable, utf8


def _ca_named(name: x509.Name, issuer: Issued) -> Issued:
    """An intermediate CA with the subject `name`, issued by `issuer`."""
    key = new_key("rsa", 2048)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return Issued(certificate, key)


def _scenarios(pki: Any) -> dict[str, tuple[bytes, Policy]]:
    intermediate = pki.intermediate
    subject = intermediate.certificate.subject
    person = pki.person()
    impostor = make_ca("Test Accepted Root", organization="Accepted Test CA", key=pki.other_key)
    printable, utf8 = _retyped_pair()
    retyped = _ca_named(printable, pki.accepted_root)
    return {
        "chain in file": (pem(person.certificate) + pem(intermediate.certificate), pki.policy),
        "intermediate missing": (pem(person.certificate), pki.policy),
        "foreign partial chain": (
            pem(pki.person(issuer=pki.foreign_intermediate).certificate)
            + pem(pki.foreign_intermediate.certificate),
            pki.policy,
        ),
        "issuer name in other case": (
            pem(_issued_under_name(intermediate, _lower_case(subject)))
            + pem(intermediate.certificate),
            pki.policy,
        ),
        "issuer name of other string type": (
            pem(_issued_under_name(retyped, utf8)) + pem(retyped.certificate),
            pki.policy,
        ),
        "issuer name in its own string type": (
            pem(_issued_under_name(retyped, printable)) + pem(retyped.certificate),
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
    "issuer name in its own string type": {"issuer_accepted"},
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
    data = pem(_issued_under_name(pki.intermediate, _lower_case(subject))) + pem(
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

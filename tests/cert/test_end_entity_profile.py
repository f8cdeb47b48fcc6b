"""The end-entity profile: cryptography's web-PKI defaults, relaxed only for personal certificates.

Each refused class comes from the public C2SP/x509-limbo suite (rfc5280::*, webpki::*), rebuilt
here with cryptography's builders as a personal client certificate issued by an accepted root:
everything else about each certificate is right, so the one defect is what must be refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from sevis_tui.cert import FileReport, Policy, inspect_bytes
from sevis_tui.cert.factory import Issued, pem

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the keys and roots are made now
SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example University"),
        x509.NameAttribute(NameOID.COMMON_NAME, "jsmith6544"),
    ]
)
CLIENT = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
EMAIL = x509.SubjectAlternativeName([x509.RFC822Name("jsmith@example.edu")])
Ext = tuple[x509.ExtensionType, bool]


def usage(*, key_cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def leaf(
    pki: Any,
    *,
    subject: x509.Name = SUBJECT,
    aki: bool = True,
    aki_critical: bool = False,
    san: Ext | None = (EMAIL, False),
    eku: Ext | None = (CLIENT, False),
    extra: tuple[Ext, ...] = (),
    issuer: Issued | None = None,
) -> x509.Certificate:
    """A personal certificate from `issuer` (the accepted root), with the given extensions."""
    signer = issuer or pki.accepted_root
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(signer.certificate.subject)
        .public_key(pki.person_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=10))
        .not_valid_after(NOW + dt.timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(), critical=True)
    )
    if aki:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()),
            critical=aki_critical,
        )
    for extension in (san, eku, *extra):
        if extension is not None:
            builder = builder.add_extension(extension[0], critical=extension[1])
    return builder.sign(signer.key, hashes.SHA256())


def judged(pki: Any, certificate: x509.Certificate) -> FileReport:
    policy = Policy(accepted_issuers=(pki.accepted_root.certificate,), now=NOW)
    return inspect_bytes(pem(certificate), policy)


def codes(report: FileReport) -> set[str]:
    return {f.code for f in report.findings}


def aia(critical: bool) -> Ext:
    access = x509.AccessDescription(
        AuthorityInformationAccessOID.CA_ISSUERS,
        x509.UniformResourceIdentifier("http://crt.example.org/ca.crt"),
    )
    return x509.AuthorityInformationAccess([access]), critical


REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    # rfc5280::aki::leaf-missing-aki
    "no authority key identifier": ({"aki": False}, "no authority key identifier extension"),
    # rfc5280::aki::critical-aki
    "critical authority key identifier": (
        {"aki_critical": True},
        "marks its authority key identifier extension critical",
    ),
    # rfc5280::nc::nc-forbids-ee / webpki: name constraints only belong in CA certificates
    "name constraints in the end entity": (
        {"extra": ((x509.NameConstraints([x509.RFC822Name("example.edu")], None), True),)},
        "name constraints extension, which only a certificate authority may have",
    ),
    # rfc5280::san::noncritical-with-empty-subject
    "empty subject, SAN not critical": (
        {"subject": x509.Name([]), "san": (EMAIL, False)},
        "empty subject name, and its alternative name is not marked critical",
    ),
    # webpki::san::san-critical-with-nonempty-subject
    "critical SAN with a subject": (
        {"san": (EMAIL, True)},
        "marks its alternative name critical although it has a subject name",
    ),
    # rfc5280::leaf-ku-keycertsign
    "keyCertSign in a leaf": ({"extra": ()}, "allows its key to sign certificates"),
    # rfc5280::ee-critical-aia-invalid
    "critical AIA": (
        {"extra": (aia(critical=True),)},
        "marks its authority information access extension critical",
    ),
    # RFC 5280 4.2.1.6: an empty subject needs an alternative name
    "empty subject, no SAN": (
        {"subject": x509.Name([]), "san": None},
        "neither a subject name nor an alternative name",
    ),
    # rfc5280::unknown-critical-extension-ee
    "unknown critical extension": (
        {
            "extra": (
                (
                    x509.UnrecognizedExtension(
                        x509.ObjectIdentifier("1.3.6.1.4.1.55738.666.1"), b""
                    ),
                    True,
                ),
            )
        },
        "critical extension that cannot be processed",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_class_is_a_plain_error_with_a_remedy(pki: Any, case: str) -> None:
    options, words = REFUSED[case]
    if case == "keyCertSign in a leaf":
        certificate = _with_key_cert_sign(pki)
    else:
        certificate = leaf(pki, **options)
    report = judged(pki, certificate)
    assert not report.ok
    found = [f for f in report.findings if f.code == "nonconforming_certificate"]
    assert len(found) == 1, report.findings
    assert words in found[0].message
    assert found[0].remedy.startswith("Ask your provider to issue a new certificate")
    # The issuer is still judged (the report says it is an accepted one), except where even
    # cryptography's most permissive end-entity policy refuses the certificate.
    if case != "unknown critical extension":
        assert "issuer_accepted" in codes(report)


def _with_key_cert_sign(pki: Any) -> x509.Certificate:
    signer = pki.accepted_root
    return (
        x509.CertificateBuilder()
        .subject_name(SUBJECT)
        .issuer_name(signer.certificate.subject)
        .public_key(pki.person_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=10))
        .not_valid_after(NOW + dt.timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(key_cert_sign=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()),
            critical=False,
        )
        .add_extension(EMAIL, critical=False)
        .add_extension(CLIENT, critical=False)
        .sign(signer.key, hashes.SHA256())
    )


ACCEPTED: dict[str, dict[str, Any]] = {
    "the usual personal certificate": {},
    # Relaxation: a personal certificate names its holder in the subject (RFC 5280 4.2.1.6).
    "no SAN, with a subject": {"san": None},
    # Relaxation: RFC 5280 4.2.1.12 lets the issuer mark the EKU critical.
    "critical EKU with client authentication": {"eku": (CLIENT, True)},
    # rfc5280::eku::ee-without-eku: no EKU means no restriction.
    "no EKU": {"eku": None},
    # rfc5280::san::... an empty subject with a critical SAN is how RFC 5280 wants it.
    "empty subject, critical SAN": {"subject": x509.Name([]), "san": (EMAIL, True)},
    # rfc5280::ee-aia: a non-critical AIA is fine.
    "non-critical AIA": {"extra": (aia(critical=False),)},
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_legitimate_personal_certificate_is_accepted(pki: Any, case: str) -> None:
    report = judged(pki, leaf(pki, **ACCEPTED[case]))
    assert report.ok, report.findings
    assert codes(report) == {"issuer_accepted"}


def test_any_purpose_alone_is_not_client_authentication(pki: Any) -> None:
    any_usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE])
    report = judged(pki, leaf(pki, eku=(any_usage, False)))
    found = [f for f in report.findings if f.code == "no_client_auth"]
    assert len(found) == 1 and "«Any Purpose» alone is not enough" in found[0].message


def test_server_only_certificate_is_refused_once(pki: Any) -> None:
    server = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    report = judged(pki, leaf(pki, eku=(server, False)))
    assert codes(report) == {"no_client_auth", "issuer_accepted"}


def test_ca_certificate_in_the_leaf_position_is_said_once(pki: Any) -> None:
    report = judged(pki, pki.intermediate.certificate)
    assert "ca_certificate" in codes(report)
    assert "nonconforming_certificate" not in codes(report)  # the same thing, not twice


def test_refusal_of_an_unknown_issuer_leaf_still_names_the_profile_problem(pki: Any) -> None:
    # The verifier checks the certificate's own profile before it looks for an issuer.
    report = judged(pki, leaf(pki, aki=False, issuer=pki.foreign_root))
    assert {"nonconforming_certificate", "missing_intermediate"} <= codes(report)

"""Fail closed: an extension that cannot be read is an error naming it, never "no such extension".

Malformed extensions are written with cryptography's builder (an UnrecognizedExtension under a
known identifier carries any bytes), duplicates by a DER edit, and the property test throws
random bytes at every extension a rule depends on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sevis_tui.cert import FileReport, Policy, inspect_bytes
from sevis_tui.cert.factory import Issued, make_ca, new_key, pem

from .wording import wording_problems

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the keys and roots are made now
SUBJECT = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jsmith6544")])
U = x509.UnrecognizedExtension
RULE_EXTENSIONS = {
    ExtensionOID.EXTENDED_KEY_USAGE: "extended key usage",
    ExtensionOID.KEY_USAGE: "key usage",
    ExtensionOID.BASIC_CONSTRAINTS: "basic constraints",
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME: "subject alternative name",
    ExtensionOID.NAME_CONSTRAINTS: "name constraints",
}


@pytest.fixture(scope="module")
def root() -> Issued:
    # An EC root: signing a certificate per hypothesis example stays quick.
    return make_ca("Extension Test Root", organization="Accepted Test CA", key=new_key("ec"))


def leaf(root: Issued, *extensions: tuple[x509.ExtensionType, bool]) -> x509.Certificate:
    """A client certificate from `root` with the usual extensions except those given."""
    given_oids = {extension.oid for extension, _critical in extensions}
    usual: list[tuple[x509.ExtensionType, bool]] = [
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), False),
        (x509.SubjectAlternativeName([x509.RFC822Name("jsmith@example.edu")]), False),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
        (x509.BasicConstraints(ca=False, path_length=None), True),
    ]
    builder = (
        x509.CertificateBuilder()
        .subject_name(SUBJECT)
        .issuer_name(root.certificate.subject)
        .public_key(_leaf_key().public_key())
        .serial_number(6544)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=300))
    )
    for extension, critical in [*[u for u in usual if u[0].oid not in given_oids], *extensions]:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(root.key, hashes.SHA256())


_KEYS: list[Any] = []


def _leaf_key() -> Any:
    if not _KEYS:
        _KEYS.append(new_key("ec"))
    return _KEYS[0]


def judged(root: Issued, data: bytes) -> FileReport:
    return inspect_bytes(data, Policy(accepted_issuers=(root.certificate,), now=NOW))


def unreadable(report: FileReport) -> str:
    found = [f for f in report.findings if f.code == "unreadable_extension"]
    assert len(found) == 1, report.findings
    assert found[0].severity == "error" and found[0].remedy
    return found[0].message


def test_good_leaf_is_ok(root: Issued) -> None:
    report = judged(root, pem(leaf(root)))
    assert report.ok, report.findings


MALFORMED = {
    "empty extended key usage": (ExtensionOID.EXTENDED_KEY_USAGE, b"\x30\x00"),
    "key usage of the wrong type": (ExtensionOID.KEY_USAGE, b"\x04\x00"),
    "basic constraints with cA FALSE written out": (
        ExtensionOID.BASIC_CONSTRAINTS,
        b"\x30\x03\x01\x01\x00",
    ),
    "alternative name as plain text": (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"example.com"),
    "name constraints with extra bytes": (ExtensionOID.NAME_CONSTRAINTS, b"\x30\x00\x00"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_rule_extension_is_an_error_that_names_it(root: Issued, case: str) -> None:
    oid, value = MALFORMED[case]
    certificate = leaf(root, (U(oid, value), oid == ExtensionOID.BASIC_CONSTRAINTS))
    with pytest.raises(ValueError):
        _ = certificate.extensions
    report = judged(root, pem(certificate))
    assert not report.ok
    message = unreadable(report)
    assert f"its {RULE_EXTENSIONS[oid]} extension cannot be read" in message
    assert "whether it allows client authentication" in message  # the rule is not skipped


def test_server_only_leaf_with_unreadable_aia_is_not_ok(root: Issued) -> None:
    # The example: the only EKU is serverAuth, and the AIA holds nothing.
    server = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    certificate = leaf(
        root, (server, False), (U(ExtensionOID.AUTHORITY_INFORMATION_ACCESS, b""), False)
    )
    report = judged(root, pem(certificate))
    assert not report.ok
    assert "authority information access extension cannot be read" in unreadable(report)


def test_empty_aia_sequence_still_checks_client_auth(root: Issued) -> None:
    server = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    no_descriptions = U(ExtensionOID.AUTHORITY_INFORMATION_ACCESS, b"\x30\x00")
    report = judged(root, pem(leaf(root, (server, False), (no_descriptions, False))))
    assert not report.ok
    assert "no_client_auth" in {f.code for f in report.findings}


def test_duplicate_extension_is_named(root: Issued) -> None:
    # The builder refuses duplicates: write an alternative name under a stand-in identifier of
    # the same length (2.5.29.99), then turn it into a second 2.5.29.17 in the DER.
    san = x509.SubjectAlternativeName([x509.RFC822Name("other@example.edu")])
    stand_in = U(x509.ObjectIdentifier("2.5.29.99"), san.public_bytes())
    der = leaf(root, (stand_in, False)).public_bytes(Encoding.DER)
    edited = der.replace(b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x11")
    assert edited != der
    certificate = x509.load_der_x509_certificate(edited)
    with pytest.raises(x509.DuplicateExtension):
        _ = certificate.extensions
    report = judged(root, edited)
    assert not report.ok
    assert "subject alternative name (present 2 times)" in unreadable(report)


def test_unreadable_intermediate_in_the_file_is_not_ok(root: Issued) -> None:
    broken = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Broken CA")]))
        .issuer_name(root.certificate.subject)
        .public_key(new_key("ec").public_key())
        .serial_number(7)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=300))
        .add_extension(U(ExtensionOID.BASIC_CONSTRAINTS, b"\x30\x00\x00"), critical=True)
        .sign(root.key, hashes.SHA256())
    )
    report = judged(root, pem(leaf(root)) + pem(broken))
    assert not report.ok
    assert unreadable(report).startswith("Certificate 2: its basic constraints extension")


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    oid=st.sampled_from(sorted(RULE_EXTENSIONS, key=lambda o: o.dotted_string)),
    value=st.one_of(
        st.binary(max_size=24),
        # Near-misses: a DER SEQUENCE or BIT STRING header with random content.
        st.binary(max_size=20).map(lambda b: bytes([0x30, len(b)]) + b),
        st.binary(min_size=1, max_size=8).map(lambda b: bytes([0x03, len(b)]) + b),
    ),
    critical=st.booleans(),
)
def test_unreadable_extensions_never_give_an_ok_verdict(
    root: Issued, oid: x509.ObjectIdentifier, value: bytes, critical: bool
) -> None:
    certificate = leaf(root, (U(oid, value), critical))
    try:
        _ = certificate.extensions
    except Exception:  # the case under test: cryptography cannot read them
        raised = True
    else:
        raised = False
    assume(raised)
    report = judged(root, pem(certificate))
    assert not report.ok, report.findings
    assert any(f.code == "unreadable_extension" for f in report.errors), report.findings
    for found in report.findings:  # plain words whatever the library raised
        assert not wording_problems(f"{found.message} {found.remedy}"), found


def test_unreadable_issuer_on_the_path_is_told_apart_from_the_leaf(root: Issued) -> None:
    key = new_key("ec")
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Broken CA")]))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(8)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=300))
        # cA FALSE written out although DER leaves a DEFAULT value out: unreadable.
        .add_extension(U(ExtensionOID.BASIC_CONSTRAINTS, b"\x30\x03\x01\x01\x00"), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()),
            critical=False,
        )
        .sign(root.key, hashes.SHA256())
    )
    report = judged(root, pem(leaf(Issued(intermediate, key))) + pem(intermediate))
    codes = {f.code for f in report.findings}
    assert "nonconforming_certificate" not in codes  # the leaf itself is fine
    chain = [f for f in report.findings if f.code == "chain_invalid"]
    assert len(chain) == 1 and "an issuing certificate cannot be read in full" in chain[0].message
    assert unreadable(report).startswith("Certificate 2: its basic constraints extension")

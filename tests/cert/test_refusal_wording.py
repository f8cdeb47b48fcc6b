"""Refusals are worded from the certificate, not from the library's messages.

Limbo-like malformed certificates (C2SP/x509-limbo's classes, rebuilt with cryptography's
builders: one defect each in the certificate to register, an intermediate or an accepted root)
must each be refused with a finding that names the defect, in the same words under every
cryptography release (the suite runs under the locked version and `make test-latest`): no
exception class name, no doubled word, never an "ok" verdict.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevis_tui.cert import FileReport, Policy, inspect_bytes
from sevis_tui.cert.factory import Issued, PrivateKey, new_key, pem

from .wording import wording_problems

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the keys and roots are made now
U = x509.UnrecognizedExtension
Ext = tuple[x509.ExtensionType, bool]
EMAIL = x509.SubjectAlternativeName([x509.RFC822Name("jsmith@example.edu")])
IP = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("10.0.0.1"))])
CLIENT = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])


def _usage(*, key_cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=key_cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _ip_constraint(address: bytes) -> U:
    """Name constraints permitting one iPAddress subtree written as `address` (RFC 5280 wants
    an address and a mask: 8 or 32 bytes; anything else is malformed)."""
    general = bytes([0x87, len(address)]) + address
    subtree = bytes([0x30, len(general)]) + general
    permitted = bytes([0xA0, len(subtree)]) + subtree
    return U(ExtensionOID.NAME_CONSTRAINTS, bytes([0x30, len(permitted)]) + permitted)


SHORT_IP = _ip_constraint(bytes([10, 0, 0, 0]))  # an address without its mask


@dataclass(frozen=True)
class Made:
    """A certificate built by `build`: who signs it, under which names, with what."""

    subject: str
    signer: Issued | None  # None: self-signed with `key`
    key: PrivateKey
    extensions: tuple[Ext, ...]
    issuer_name: x509.Name | None = None
    not_after: dt.datetime | None = None


def build(made: Made) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, made.subject)])
    signer_key = made.signer.key if made.signer else made.key
    issuer = made.signer.certificate.subject if made.signer else name
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(made.issuer_name if made.issuer_name is not None else issuer)
        .public_key(made.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=10))
        .not_valid_after(made.not_after or NOW + dt.timedelta(days=300))
    )
    for extension, critical in made.extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signer_key, hashes.SHA256())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Keys:
    root: Issued
    ip_root: Issued  # an accepted root whose name constraints hold a malformed IP address
    leaf: PrivateKey
    ca: PrivateKey
    weak: PrivateKey


def _ca_extensions(key: PrivateKey, signer_key: PrivateKey) -> tuple[Ext, ...]:
    return (
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (_usage(key_cert_sign=True), True),
        (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), False),
    )


@pytest.fixture(scope="module")
def keys() -> Keys:
    root_key, ip_key = new_key("ec"), new_key("ec")
    root = build(Made("Wording Root", None, root_key, _ca_extensions(root_key, root_key)[:3]))
    ip_root = build(
        Made("IP Root", None, ip_key, (*_ca_extensions(ip_key, ip_key)[:3], (SHORT_IP, True)))
    )
    return Keys(
        Issued(root, root_key),
        Issued(ip_root, ip_key),
        new_key("ec"),
        new_key("ec"),
        new_key("rsa", 1024),
    )


def _leaf_extensions(
    signer: Issued, drop: frozenset[x509.ObjectIdentifier] = frozenset(), *extra: Ext
) -> tuple[Ext, ...]:
    usual: list[Ext] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_usage(key_cert_sign=False), True),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key()), False),
        (EMAIL, False),
        (CLIENT, False),
    ]
    replaced = drop | {extension.oid for extension, _critical in extra}
    return (*[u for u in usual if u[0].oid not in replaced], *extra)


def leaf(keys: Keys, *extra: Ext, drop: tuple[x509.ObjectIdentifier, ...] = ()) -> bytes:
    """A personal certificate from the accepted root, with `extra` instead of the usual."""
    made = Made(
        "jsmith6544", keys.root, keys.leaf, _leaf_extensions(keys.root, frozenset(drop), *extra)
    )
    return pem(build(made))


def under(
    keys: Keys, ca_extra: tuple[Ext, ...], *, san: x509.ExtensionType = EMAIL, **ca: Any
) -> bytes:
    """A good personal certificate under an intermediate with `ca_extra` (replacing the usual
    extension of the same kind), both in the file."""
    ca_key = ca.pop("key", keys.ca)
    usual = _ca_extensions(ca_key, keys.root.key)
    replaced = {extension.oid for extension, _critical in ca_extra}
    extensions = (*[u for u in usual if u[0].oid not in replaced], *ca_extra)
    intermediate = Issued(
        build(Made("Wording Intermediate", keys.root, ca_key, extensions, **ca)), ca_key
    )
    person = build(
        Made(
            "jsmith6544",
            intermediate,
            keys.leaf,
            _leaf_extensions(intermediate, frozenset(), (san, False)),
        )
    )
    return pem(person) + pem(intermediate.certificate)


def _duplicate_san(keys: Keys) -> bytes:
    # The builder refuses duplicates: a stand-in identifier of the same length, edited in DER.
    stand_in = U(x509.ObjectIdentifier("2.5.29.99"), EMAIL.public_bytes())
    made = Made(
        "jsmith6544",
        keys.root,
        keys.leaf,
        _leaf_extensions(keys.root, frozenset(), (stand_in, False)),
    )
    der = build(made).public_bytes(Encoding.DER)
    return der.replace(b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x11")


def _from_ip_root(keys: Keys, san: x509.ExtensionType) -> bytes:
    made = Made(
        "jsmith6544",
        keys.ip_root,
        keys.leaf,
        _leaf_extensions(keys.ip_root, frozenset(), (san, False)),
    )
    return pem(build(made))


AKI = ExtensionOID.AUTHORITY_KEY_IDENTIFIER
# name: (the file, the code the defect must be reported under, words that name the defect)
CASES: dict[str, tuple[Callable[[Keys], bytes], str, str]] = {
    "leaf without authority key identifier": (
        lambda k: leaf(k, drop=(AKI,)),
        "nonconforming_certificate",
        "The certificate has no authority key identifier extension.",
    ),
    "leaf with a critical authority key identifier": (
        lambda k: leaf(
            k, (x509.AuthorityKeyIdentifier.from_issuer_public_key(k.root.key.public_key()), True)
        ),
        "nonconforming_certificate",
        "The certificate marks its authority key identifier extension critical.",
    ),
    "leaf with name constraints": (
        lambda k: leaf(k, (x509.NameConstraints([x509.RFC822Name("example.edu")], None), True)),
        "nonconforming_certificate",
        "has a name constraints extension, which only a certificate authority may have",
    ),
    "leaf with a malformed IP name constraint": (
        lambda k: leaf(k, (SHORT_IP, True)),
        "unreadable_extension",
        "its name constraints extension cannot be read",
    ),
    "leaf with a critical certificate policies extension": (
        lambda k: leaf(
            k,
            (
                x509.CertificatePolicies(
                    [x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.1"), None)]
                ),
                True,
            ),
        ),
        "nonconforming_certificate",
        "has a critical extension that cannot be processed (certificate policies)",
    ),
    "leaf with an empty extended key usage": (
        lambda k: leaf(k, (U(ExtensionOID.EXTENDED_KEY_USAGE, b"\x30\x00"), False)),
        "unreadable_extension",
        "its extended key usage extension cannot be read",
    ),
    "leaf with its alternative name twice": (
        _duplicate_san,
        "unreadable_extension",
        "subject alternative name (present 2 times)",
    ),
    "leaf naming no issuer": (
        lambda k: pem(
            build(Made("jsmith6544", k.root, k.leaf, _leaf_extensions(k.root), x509.Name([])))
        ),
        "nonconforming_certificate",
        "The certificate names no issuer",
    ),
    "intermediate that is not a CA": (
        lambda k: under(k, ((x509.BasicConstraints(ca=False, path_length=None), True),)),
        "chain_invalid",
        "an issuing certificate is not allowed to issue certificates",
    ),
    "intermediate whose basic constraints are not critical": (
        lambda k: under(k, ((x509.BasicConstraints(ca=True, path_length=None), False),)),
        "chain_invalid",
        "an issuing certificate does not mark its basic constraints critical",
    ),
    "intermediate without keyCertSign": (
        lambda k: under(k, ((_usage(key_cert_sign=False), True),)),
        "chain_invalid",
        "an issuing certificate's key usage does not allow signing certificates",
    ),
    "intermediate with a weak key": (
        lambda k: under(k, (), key=k.weak),
        "chain_invalid",
        "an issuing certificate's key is too weak",
    ),
    "expired intermediate": (
        lambda k: under(k, (), not_after=NOW - dt.timedelta(days=1)),
        "chain_invalid",
        "an issuing certificate is expired or not yet valid",
    ),
    "intermediate with unreadable basic constraints": (
        lambda k: under(k, ((U(ExtensionOID.BASIC_CONSTRAINTS, b"\x30\x03\x01\x01\x00"), True),)),
        "chain_invalid",
        "an issuing certificate cannot be read in full (its basic constraints extension",
    ),
    "intermediate with a malformed IP name constraint, IP leaf": (
        lambda k: under(k, ((SHORT_IP, True),), san=IP),
        "chain_invalid",
        "an issuing certificate cannot be read in full (its name constraints extension",
    ),
    "intermediate whose name constraints exclude the leaf": (
        lambda k: under(k, ((x509.NameConstraints([x509.RFC822Name("other.org")], None), True),)),
        "chain_invalid",
        "an issuer's name constraints forbid this certificate",
    ),
    "accepted root with a malformed IP name constraint, IP leaf": (
        lambda k: _from_ip_root(k, IP),
        "chain_invalid",
        "name constraints extension cannot be read",
    ),
    "accepted root with a malformed IP name constraint, e-mail leaf": (
        lambda k: _from_ip_root(k, EMAIL),
        "chain_invalid",
        "its name constraints extension cannot be read (malformed)",
    ),
}


def judged(keys: Keys, data: bytes) -> FileReport:
    accepted = (keys.root.certificate, keys.ip_root.certificate)
    return inspect_bytes(data, Policy(accepted_issuers=accepted, now=NOW))


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_certificate_is_refused_in_plain_words(keys: Keys, case: str) -> None:
    make, code, words = CASES[case]
    report = judged(keys, make(keys))
    assert not report.ok, report.findings  # fail closed
    for found in report.findings:
        assert not wording_problems(f"{found.message} {found.remedy}"), found
        assert "could not be examined" not in found.message
    named = [f for f in report.findings if f.code == code]
    assert named and any(words in f.message for f in named), report.findings


def test_the_wording_check_finds_what_it_looks_for() -> None:
    assert wording_problems("The file could not be examined (TypeError: bad).") == ["TypeError"]
    assert "InvalidVersion" in wording_problems("it failed (InvalidVersion)")
    assert wording_problems("has no authorityKeyIdentifier extension extension") == [
        "extension extension"
    ]
    assert wording_problems("The certificate has no authority key identifier extension.") == []


def test_what_the_verifier_says_is_only_a_detail(keys: Keys) -> None:
    # The words before the detail come from the certificate alone: the same for the same defect
    # whichever release of cryptography words its refusal.
    report = judged(keys, leaf(keys, drop=(AKI,)))
    found = next(f for f in report.findings if f.code == "nonconforming_certificate")
    said, _, detail = found.message.partition(" (detail: ")
    assert said == (
        "The certificate has no authority key identifier extension. The standard rules for "
        "certificates (RFC 5280) forbid this, so SEVIS's check refuses it"
    )
    assert "2.5.29.35" in detail  # the verifier's own words, kept for support


ISSUER_RULES = (
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.NAME_CONSTRAINTS,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
    ExtensionOID.EXTENDED_KEY_USAGE,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    oid=st.sampled_from(ISSUER_RULES),
    value=st.one_of(
        st.binary(max_size=24),
        # Near-misses: a SEQUENCE holding a random iPAddress subtree, or random content.
        st.binary(max_size=33).map(lambda b: _ip_constraint(b).value),
        st.binary(max_size=20).map(lambda b: bytes([0x30, len(b)]) + b),
    ),
    critical=st.booleans(),
)
def test_random_issuer_extensions_are_refused_in_plain_words(
    keys: Keys, oid: x509.ObjectIdentifier, value: bytes, critical: bool
) -> None:
    report = judged(keys, under(keys, ((U(oid, value), critical),), san=IP))
    for found in report.findings:
        assert not wording_problems(f"{found.message} {found.remedy}"), found
        assert "could not be examined" not in found.message
    if any(f.code == "unreadable_extension" for f in report.findings):
        assert not report.ok  # fail closed

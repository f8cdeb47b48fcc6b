"""Which extension of a certificate cannot be read, when cryptography refuses them all.

`Certificate.extensions` parses every extension at once and raises on the first bad one without
saying which. To name it, the certificate's list of extensions (identifier, criticality, raw
value) is decoded with cryptography's declarative ASN.1 API, then each extension is read alone
by cryptography's own parser: copied into a throwaway certificate signed with a throwaway key.
This runs only for certificates whose extensions cannot be read, never for good ones.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from typing import Annotated

from cryptography import x509
from cryptography.hazmat import asn1
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtensionOID

from sevis_tui.cert.findings import Finding, finding

# What an officer's report calls each extension a rule depends on (and a few common others).
EXTENSION_NAMES = {
    ExtensionOID.EXTENDED_KEY_USAGE.dotted_string: "extended key usage",
    ExtensionOID.KEY_USAGE.dotted_string: "key usage",
    ExtensionOID.BASIC_CONSTRAINTS.dotted_string: "basic constraints",
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string: "subject alternative name",
    ExtensionOID.NAME_CONSTRAINTS.dotted_string: "name constraints",
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string: "authority key identifier",
    ExtensionOID.SUBJECT_KEY_IDENTIFIER.dotted_string: "subject key identifier",
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string: "authority information access",
    ExtensionOID.CRL_DISTRIBUTION_POINTS.dotted_string: "CRL distribution points",
    ExtensionOID.CERTIFICATE_POLICIES.dotted_string: "certificate policies",
    ExtensionOID.ISSUER_ALTERNATIVE_NAME.dotted_string: "issuer alternative name",
    ExtensionOID.INHIBIT_ANY_POLICY.dotted_string: "inhibit any policy",
    ExtensionOID.POLICY_CONSTRAINTS.dotted_string: "policy constraints",
    ExtensionOID.POLICY_MAPPINGS.dotted_string: "policy mappings",
    ExtensionOID.FRESHEST_CRL.dotted_string: "freshest CRL",
    ExtensionOID.SUBJECT_INFORMATION_ACCESS.dotted_string: "subject information access",
    ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS.dotted_string: (
        "certificate transparency timestamps"
    ),
}
WHOLE_BLOCK = "extensions"  # the list itself cannot be decoded: no single extension to name


def extension_name(dotted: str) -> str:
    """The extension's name in a report; an unknown one by its dotted identifier alone (the
    sentences around it say "extension")."""
    return EXTENSION_NAMES.get(dotted, dotted)


@asn1.sequence
class RawExtension:
    # Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    extn_id: x509.ObjectIdentifier
    critical: Annotated[bool, asn1.Default(False)]
    extn_value: bytes


@asn1.sequence
class Validity:
    # Validity ::= SEQUENCE { notBefore Time, notAfter Time }, each UTCTime or GeneralizedTime
    not_before: asn1.TLV
    not_after: asn1.TLV


@asn1.sequence
class TbsCertificate:
    # RFC 5280 4.1: only the extensions are decoded; the fields before them are kept raw.
    version: Annotated[int, asn1.Explicit(0), asn1.Default(0)]
    serial_number: asn1.TLV
    signature: asn1.TLV
    issuer: asn1.TLV
    validity: Validity
    subject: asn1.TLV
    subject_public_key_info: asn1.TLV
    issuer_unique_id: Annotated[asn1.BitString | None, asn1.Implicit(1)]
    subject_unique_id: Annotated[asn1.BitString | None, asn1.Implicit(2)]
    extensions: Annotated[list[RawExtension] | None, asn1.Explicit(3)]


@asn1.sequence
class _Envelope:
    # Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    tbs_certificate: asn1.TLV
    signature_algorithm: asn1.TLV
    signature_value: asn1.BitString


@asn1.sequence
class _Certificate:
    tbs_certificate: TbsCertificate
    signature_algorithm: asn1.TLV
    signature_value: asn1.BitString


def damage(der: bytes) -> str:
    """Where a certificate cryptography refuses to load is damaged, read from its structure
    (never from the parser's message): it follows "it cannot be read: "."""
    try:
        asn1.decode_der(_Envelope, der)
    except Exception:  # not even the three parts of a certificate
        return "its outer structure (body, signature algorithm, signature) is damaged"
    try:
        certificate = asn1.decode_der(_Certificate, der)
    except Exception:  # the signed body's fields are not where they must be
        return "the body of the certificate (what its issuer signs) is damaged"
    version = certificate.tbs_certificate.version
    if version not in (0, 1, 2):  # v1, v2, v3
        return f"its version number ({version + 1}) is not one the rules define"
    return "one of its fields (a name, a date, the key or an algorithm) holds a malformed value"


def tbs_structure(certificate: x509.Certificate) -> TbsCertificate | None:
    """The certificate's signed part as its DER gives it, or None when even that cannot be
    decoded. What `profile.py` reads the rules from, whatever cryptography's parser says."""
    try:
        return asn1.decode_der(TbsCertificate, certificate.tbs_certificate_bytes)
    except Exception:  # any decoding problem: there is no structure to read
        return None


def unreadable_extensions(certificate: x509.Certificate) -> tuple[str, ...]:
    """The names of the extensions cryptography cannot read ("(present twice)" for repeats).

    (WHOLE_BLOCK,) when the list of extensions itself cannot be decoded or every extension
    reads alone (then the combination is what fails).
    """
    tbs = tbs_structure(certificate)
    if tbs is None:  # the block as a whole is what is unreadable
        return (WHOLE_BLOCK,)
    raw = tbs.extensions or []
    found: list[str] = []
    counts = Counter(extension.extn_id.dotted_string for extension in raw)
    for dotted, count in counts.items():
        if count > 1:
            found.append(f"{extension_name(dotted)} (present {count} times)")
    for extension in raw:
        if not _readable_alone(extension):
            found.append(extension_name(extension.extn_id.dotted_string))
    return tuple(dict.fromkeys(found)) or (WHOLE_BLOCK,)


@functools.cache
def _probe_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


_PROBE_START = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _readable_alone(extension: RawExtension) -> bool:
    """Whether cryptography reads this one extension when it is a certificate's only one."""
    key = _probe_key()
    empty = x509.Name([])
    try:
        probe = (
            x509.CertificateBuilder()
            .subject_name(empty)
            .issuer_name(empty)
            .public_key(key.public_key())
            .serial_number(1)
            .not_valid_before(_PROBE_START)
            .not_valid_after(_PROBE_START + dt.timedelta(days=1))
            .add_extension(
                x509.UnrecognizedExtension(extension.extn_id, extension.extn_value),
                critical=extension.critical,
            )
            .sign(key, None)
        )
        _ = probe.extensions
    except Exception:  # cryptography's parser refuses this extension's value
        return False
    return True


# What cannot be checked when an extension read on its own fails, by the extension's name.
_UNCHECKED = {
    "key usage": "what its key may be used for",
    "subject alternative name": "its alternative names (e-mail address)",
}
_NOTHING_CHECKED = (
    "whether it allows client authentication, whether it is a certificate authority, its key "
    "usage and its alternative names"
)


def unreadable_extension_finding(number: int, names: tuple[str, ...], whole_block: bool) -> Finding:
    """whole_block: cryptography refused every extension (it reads them all or none)."""
    if names == (WHOLE_BLOCK,):
        what = "its extensions cannot be read"
    else:
        plural = "s" * (len(names) != 1)
        what = f"its {_and(names)} extension{plural} cannot be read (empty or malformed)"
        if whole_block:
            what += ", and with it none of its extensions"
    unchecked = (
        [_NOTHING_CHECKED]
        if whole_block
        else [_UNCHECKED[name] for name in names if name in _UNCHECKED]
    )
    cannot = f", so {_and(unchecked)} cannot be checked" if unchecked else ""
    return finding(
        "unreadable_extension",
        f"Certificate {number}: {what}{cannot}.",
        "The certificate is malformed and SEVIS cannot accept it; ask your provider to issue "
        "a new one.",
    )


def _and(items: list[str] | tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

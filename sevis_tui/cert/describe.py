"""Describe one certificate: read every field once, each read guarded.

cryptography parses lazily, so a damaged field raises only when read. Each read here is
wrapped: one bad field becomes "(unreadable)" plus an `unreadable_field` finding, not a crash.
Extensions are different: rules depend on them (client authentication, CA flag, key usage,
alternative names, name constraints), so one that cannot be read is an `unreadable_extension`
error naming it, never "no such extension" (fail closed). Alongside the printable
`CertificateInfo`, `Facts` keeps what the judge needs (key kind and size, signature OID and
hash, EKU OIDs, what could not be read) so nothing is parsed twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from sevis_tui.cert.extensions import unreadable_extension_finding, unreadable_extensions
from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.labels import CURVE_NAMES, EKU_NAMES, KEY_USAGE_NAMES, SIGNATURE_NAMES
from sevis_tui.cert.model import CertificateInfo, Role
from sevis_tui.text import formats

UNREADABLE = "(unreadable)"
_NO_TEXT: tuple[str, ...] = ()
_NAME_LABELS = {NameOID.EMAIL_ADDRESS: "emailAddress"}  # instead of a dotted OID
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
T = TypeVar("T")
E = TypeVar("E", bound=x509.ExtensionType)
# Each extension by its value's exact class (looked up by class: no ABC isinstance checks).
Extensions = dict[type[x509.ExtensionType], x509.Extension[x509.ExtensionType]]


@dataclass
class Facts:
    """What the judge needs besides the printable description."""

    certificate: x509.Certificate
    der: bytes
    key_kind: str = "unknown"  # "RSA", "EC", "DSA", "Ed25519", "Ed448", ...
    key_bits: int = 0
    signature_oid: str = ""
    signature_hash: str | None = None  # "sha1", "md5", "sha256", ... when known
    eku_oids: tuple[str, ...] | None = None  # None: no EKU extension (or it is unreadable)
    valid_dates: bool = True
    ca_issuer_urls: tuple[str, ...] = ()  # where the issuer's certificate is published
    # Extensions that cannot be read, by name ("extensions": the whole block, none named).
    unreadable_extensions: tuple[str, ...] = ()
    extensions_unreadable: bool = False  # cryptography refused them all (one is enough)
    subject_empty: bool = False  # an empty subject name (not an unreadable one)
    san_critical: bool | None = None  # None: no subject alternative name extension
    authority_key_id: bytes | None = None  # the issuer's key identifier, when given
    subject_key_id: bytes | None = None  # this certificate's own key identifier


@dataclass
class Described:
    info: CertificateInfo
    facts: Facts
    findings: list[Finding] = field(default_factory=list)


class _Reader:
    """Runs each field read, remembering which ones failed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def read(self, label: str, read: Callable[[], T], fallback: T) -> T:
        try:
            return read()
        except Exception:  # any parse error in a lazily decoded field
            self.failed.append(label)
            return fallback


def _name_parts(name: x509.Name) -> tuple[str, str, str]:
    """RFC 4514 text, common name and organization, in one pass over the name.

    The text is what `Name.rfc4514_string` gives (last RDN first), with emailAddress spelled
    out; several common names or organizations are joined with ", ".
    """
    parts: list[str] = []
    common: list[str] = []
    organization: list[str] = []
    for rdn in name.rdns:
        parts.append(rdn.rfc4514_string(_NAME_LABELS))
        for attribute in rdn:
            oid = attribute.oid
            if oid == NameOID.COMMON_NAME or oid == NameOID.ORGANIZATION_NAME:
                value = attribute.value
                text = value if isinstance(value, str) else value.hex()
                (common if oid == NameOID.COMMON_NAME else organization).append(text)
    return ",".join(reversed(parts)), ", ".join(common), ", ".join(organization)


def name_text(name: x509.Name) -> str:
    """The RFC 4514 text `_name_parts` gives for a name (equal names give equal texts)."""
    return name.rfc4514_string(_NAME_LABELS)


def fingerprint(der: bytes, algorithm: str) -> str:
    """Colon-separated upper-case hex of the hash of the DER bytes, as browsers show it."""
    digest = hashlib.sha256(der) if algorithm == "sha256" else hashlib.sha1(der)
    return digest.digest().hex(":").upper()


def describe(certificate: x509.Certificate, der: bytes, now: dt.datetime, number: int) -> Described:
    """Describe one certificate as of `now`; `number` is its position, for messages."""
    cached = _RECENT.get(der)
    if cached is not None:
        with contextlib.suppress(KeyError):  # keep the recurring ones (intermediates) longest
            _RECENT.move_to_end(der)
    else:
        cached = _read_fields(certificate, der)
        if len(_RECENT) >= _RECENT_SIZE:
            with contextlib.suppress(KeyError):  # another thread got there first
                _RECENT.popitem(last=False)  # the oldest entry
        _RECENT[der] = cached
    fields, facts, failed = cached
    info = CertificateInfo(**fields, days_left=formats.days_left(fields["not_after"], now))
    described = Described(info, facts)
    if facts.unreadable_extensions:
        described.findings.append(
            unreadable_extension_finding(
                number, facts.unreadable_extensions, facts.extensions_unreadable
            )
        )
    if failed:
        described.findings.append(
            finding(
                "unreadable_field",
                f"Certificate {number} has fields that cannot be read: {', '.join(failed)}.",
                "The certificate is malformed; ask your provider for a new one.",
            )
        )
    return described


# Files in a folder (and uploads of the same chain) repeat the same intermediates: reading a
# certificate's fields is most of the engine's work, so the last few hundred are remembered,
# by DER (hashing bytes is cheaper than hashing a Certificate object).
_Fields = tuple[dict[str, Any], Facts, tuple[str, ...]]
_RECENT: OrderedDict[bytes, _Fields] = OrderedDict()
_RECENT_SIZE = 256


def _read_fields(
    certificate: x509.Certificate, der: bytes
) -> tuple[dict[str, Any], Facts, tuple[str, ...]]:
    reader = _Reader()
    read = reader.read
    subject_name, issuer_name, subject_parts, issuer_parts = _read_names(certificate, reader)
    subject, subject_cn, subject_o = subject_parts
    issuer, issuer_cn, issuer_o = issuer_parts
    not_before = read("validity", lambda: certificate.not_valid_before_utc, _EPOCH)
    not_after = read("validity", lambda: certificate.not_valid_after_utc, _EPOCH)
    facts = Facts(certificate, der, valid_dates="validity" not in reader.failed)
    _read_key(certificate, facts, reader)
    _read_signature(certificate, facts, reader)
    extensions, facts.san_critical = _read_extensions(certificate, facts)
    facts.subject_empty = subject == ""  # the text of an empty name ("(unreadable)" is not)
    constraints = _extension(extensions, x509.BasicConstraints)
    is_ca = bool(constraints and constraints.ca)
    eku = _extension(extensions, x509.ExtendedKeyUsage)
    if eku is not None:
        facts.eku_oids = tuple(oid.dotted_string for oid in eku)
    no_names: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    emails, sans = _read_extension(
        facts, "subject alternative name", lambda: _sans(extensions, subject_name), no_names
    )
    self_signed = bool(subject_name) and read(
        "issuer", lambda: _self_issued(subject_name, issuer_name, extensions), False
    )
    facts.ca_issuer_urls = read(
        "authority information access", lambda: _aia(extensions, only_ca_issuers=True), _NO_TEXT
    )
    role: Role = "end-entity" if not is_ca else ("root" if self_signed else "intermediate")
    fields: dict[str, Any] = dict(
        subject=subject,
        subject_common_name=subject_cn,
        subject_organization=subject_o,
        issuer=issuer,
        issuer_common_name=issuer_cn,
        issuer_organization=issuer_o,
        serial_hex=read(
            "serial number", lambda: _serial_hex(certificate.serial_number), UNREADABLE
        ),
        not_before=not_before,
        not_after=not_after,
        key_description=_key_description(facts),
        signature_algorithm=SIGNATURE_NAMES.get(facts.signature_oid, facts.signature_oid)
        or UNREADABLE,
        sha256=fingerprint(der, "sha256"),
        sha1=fingerprint(der, "sha1"),
        emails=emails,
        sans=sans,
        key_usage=_read_extension(facts, "key usage", lambda: _key_usage(extensions), _NO_TEXT),
        extended_key_usage=tuple(EKU_NAMES.get(o, o) for o in facts.eku_oids or ()),
        is_ca=is_ca,
        path_length=constraints.path_length if constraints else None,
        self_signed=self_signed,
        aia_urls=read("authority information access", lambda: _aia(extensions), _NO_TEXT),
        crl_urls=read("CRL distribution points", lambda: _crl_urls(extensions), _NO_TEXT),
        role=role,
    )
    return fields, facts, tuple(dict.fromkeys(reader.failed))


def _read_signature(certificate: x509.Certificate, facts: Facts, reader: _Reader) -> None:
    facts.signature_oid = reader.read(
        "signature algorithm", lambda: certificate.signature_algorithm_oid.dotted_string, ""
    )
    facts.signature_hash = _signature_hash(certificate)


NameParts = tuple[str, str, str]  # the whole name, its common name, its organization


def _read_names(
    certificate: x509.Certificate, reader: _Reader
) -> tuple[x509.Name, x509.Name, NameParts, NameParts]:
    """The subject and issuer names, and their text; "(unreadable)" where they cannot be read."""
    read = reader.read
    subject_name = read("subject", lambda: certificate.subject, x509.Name([]))
    issuer_name = read("issuer", lambda: certificate.issuer, x509.Name([]))
    unreadable_name = (UNREADABLE, UNREADABLE, UNREADABLE)
    subject = read("subject", lambda: _name_parts(subject_name), unreadable_name)
    issuer = read("issuer", lambda: _name_parts(issuer_name), unreadable_name)
    return subject_name, issuer_name, subject, issuer


def _read_extensions(certificate: x509.Certificate, facts: Facts) -> tuple[Extensions, bool | None]:
    """Each extension's value by its class, and whether the alternative name is critical."""
    try:
        extensions = certificate.extensions
    except Exception:  # one extension or the block cannot be parsed: find out which
        facts.unreadable_extensions = unreadable_extensions(certificate)
        facts.extensions_unreadable = True
        return {}, None
    by_type: Extensions = {type(extension.value): extension for extension in extensions}
    aki = _extension(by_type, x509.AuthorityKeyIdentifier)
    ski = _extension(by_type, x509.SubjectKeyIdentifier)
    facts.authority_key_id = aki.key_identifier if aki is not None else None
    facts.subject_key_id = ski.digest if ski is not None else None
    san = by_type.get(x509.SubjectAlternativeName)
    return by_type, (san.critical if san is not None else None)


def _read_extension(facts: Facts, name: str, read: Callable[[], T], fallback: T) -> T:
    """Read from a parsed extension; a failure makes it unreadable (an error, not a gap)."""
    try:
        return read()
    except Exception:  # a value cryptography parsed but cannot present
        facts.unreadable_extensions += (name,)
        return fallback


def _read_key(certificate: x509.Certificate, facts: Facts, reader: _Reader) -> None:
    key = reader.read("public key", certificate.public_key, None)
    if isinstance(key, rsa.RSAPublicKey):
        facts.key_kind, facts.key_bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        facts.key_kind, facts.key_bits = (
            f"EC {CURVE_NAMES.get(key.curve.name, key.curve.name)}",
            (key.curve.key_size),
        )
    elif isinstance(key, dsa.DSAPublicKey):
        facts.key_kind, facts.key_bits = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        facts.key_kind, facts.key_bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        facts.key_kind, facts.key_bits = "Ed448", 456
    elif isinstance(key, x25519.X25519PublicKey | x448.X448PublicKey):
        facts.key_kind = type(key).__name__.removesuffix("PublicKey")
    else:
        oid = reader.read("public key", lambda: certificate.public_key_algorithm_oid, None)
        facts.key_kind = oid.dotted_string if oid is not None else "unknown"


def _key_description(facts: Facts) -> str:
    if facts.key_kind in ("RSA", "DSA"):
        return f"{facts.key_kind} {facts.key_bits}"
    return facts.key_kind


def _signature_hash(certificate: x509.Certificate) -> str | None:
    try:
        algorithm = certificate.signature_hash_algorithm
    except Exception:  # MD2/MD4 and unknown OIDs are not supported by cryptography
        return None
    return algorithm.name if algorithm is not None else None


def _extension(extensions: Extensions, kind: type[E]) -> E | None:
    extension = extensions.get(kind)
    return cast(E, extension.value) if extension is not None else None


def _sans(
    extensions: Extensions, subject_name: x509.Name
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = _extension(extensions, x509.SubjectAlternativeName)
    emails: list[str] = []
    others: list[str] = []
    for general in names or ():
        if isinstance(general, x509.RFC822Name):
            emails.append(general.value)
        elif isinstance(general, x509.DNSName):
            others.append(f"DNS:{general.value}")
        elif isinstance(general, x509.UniformResourceIdentifier):
            others.append(f"URI:{general.value}")
        elif isinstance(general, x509.IPAddress):
            others.append(f"IP:{general.value}")
        elif isinstance(general, x509.DirectoryName):
            others.append(f"DirName:{general.value.rfc4514_string()}")
        elif isinstance(general, x509.RegisteredID):
            others.append(f"RID:{general.value.dotted_string}")
        elif isinstance(general, x509.OtherName):
            others.append(f"othername:{general.type_id.dotted_string}")
    sans = tuple(f"email:{e}" for e in emails) + tuple(others)
    for value in subject_name.get_attributes_for_oid(NameOID.EMAIL_ADDRESS):
        text = value.value if isinstance(value.value, str) else value.value.hex()
        if text not in emails:
            emails.append(text)
    return tuple(emails), sans


def _self_issued(subject: x509.Name, issuer: x509.Name, extensions: Extensions) -> bool:
    if subject != issuer:
        return False
    ski = _extension(extensions, x509.SubjectKeyIdentifier)
    aki = _extension(extensions, x509.AuthorityKeyIdentifier)
    if ski is not None and aki is not None and aki.key_identifier is not None:
        return ski.digest == aki.key_identifier
    return True


def _key_usage(extensions: Extensions) -> tuple[str, ...]:
    usage = _extension(extensions, x509.KeyUsage)
    if usage is None:
        return ()
    names = []
    for attribute, label in KEY_USAGE_NAMES:
        try:
            if getattr(usage, attribute):
                names.append(label)
        except ValueError:  # encipher/decipher_only are undefined without key_agreement
            continue
    return tuple(names)


def _aia(extensions: Extensions, only_ca_issuers: bool = False) -> tuple[str, ...]:
    access = _extension(extensions, x509.AuthorityInformationAccess)
    urls = []
    for description in access or ():
        if (
            only_ca_issuers
            and description.access_method != AuthorityInformationAccessOID.CA_ISSUERS
        ):
            continue
        location = description.access_location
        if isinstance(location, x509.UniformResourceIdentifier):
            urls.append(location.value)
    return tuple(urls)


def _crl_urls(extensions: Extensions) -> tuple[str, ...]:
    points = _extension(extensions, x509.CRLDistributionPoints)
    urls = []
    for point in points or ():
        for general in point.full_name or ():
            if isinstance(general, x509.UniformResourceIdentifier):
                urls.append(general.value)
    return tuple(urls)


def _serial_hex(serial: int) -> str:
    sign = "-" if serial < 0 else ""
    magnitude = abs(serial)
    return (
        sign + magnitude.to_bytes(max(1, (magnitude.bit_length() + 7) // 8), "big").hex(":").upper()
    )

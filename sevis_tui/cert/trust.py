"""Accepted issuers: which certificate authorities SEVIS takes, prepared for path validation.

The shipped default is not a hand-copied list: it is the roots in certifi's bundle (a
maintained copy of Mozilla's) whose organization or name is one of the vendors SEVIS officers
buy personal client-authentication certificates from (docs/domain.md). A PEM bundle given by
the caller replaces it. The engine reads no config: `sevis_tui.settings.policy` builds the Policy
from the settings (the configured bundle, the embedded demo's issuer) with these functions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import Store

from sevis_tui.cert.describe import name_text

# Matched case-insensitively against the organization and common name of each certifi root.
# Sectigo was Comodo; USERTrust is Sectigo's root brand; InCommon certificates chain to it.
ACCEPTED_VENDORS = ("Sectigo", "USERTrust", "Comodo", "InCommon", "Entrust", "IdenTrust")


def _names(certificate: x509.Certificate) -> str:
    try:
        subject = certificate.subject
        values = [
            a.value
            for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME)
            for a in subject.get_attributes_for_oid(oid)
        ]
    except ValueError:
        return ""
    return " ".join(v for v in values if isinstance(v, str))


@functools.cache
def default_issuers() -> tuple[x509.Certificate, ...]:
    """The roots of the accepted vendors, taken from certifi's bundle by organization."""
    bundle = Path(certifi.where()).read_bytes()
    vendors = tuple(v.lower() for v in ACCEPTED_VENDORS)
    # Some unrelated roots in certifi's bundle have non-positive serials and cryptography
    # warns on parsing them; loading.py's filter for this package's modules silences that.
    certificates = x509.load_pem_x509_certificates(bundle)
    return tuple(
        certificate
        for certificate in certificates
        if any(vendor in _names(certificate).lower() for vendor in vendors)
    )


class BundleError(ValueError):
    """A bundle of accepted issuers that cannot be used; the message says why, fit to show."""


def load_bundle(path: Path) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle; BundleError when it cannot be read or holds none."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BundleError(
            f"cannot read the accepted issuers bundle {path}: {error.strerror or error}"
        ) from None
    try:
        certificates = tuple(x509.load_pem_x509_certificates(data))
    except Exception:  # ValueError, or x509.InvalidVersion (which is not one)
        raise BundleError(
            f"the accepted issuers bundle {path} holds no readable PEM certificate; "
            "it must contain '-----BEGIN CERTIFICATE-----' blocks"
        ) from None
    return certificates


def accepted_issuers(
    bundle: Path | None, extra_issuers: Sequence[x509.Certificate] = ()
) -> tuple[x509.Certificate, ...]:
    """The issuers of `bundle` (the shipped default when None), then the extras, each once."""
    issuers = load_bundle(bundle) if bundle is not None else default_issuers()
    return tuple(dict.fromkeys((*issuers, *extra_issuers)))


# Per issuer list: its verification Store and what the explanations need. Looked up by
# identity (a policy keeps its tuple), because hashing a tuple of certificates costs
# microseconds per certificate on every file; each entry holds its tuple, so the id stays
# valid while the entry exists.
@dataclass(frozen=True)
class Accepted:
    """The accepted issuers of one policy, prepared once for every file judged against it."""

    issuers: tuple[x509.Certificate, ...]
    store: Store | None
    # Each issuer's subject as RFC 4514 text: equal names give equal texts, so a leaf's
    # issuer text that is not here names no accepted issuer (the verifier matches exact names).
    subjects: frozenset[str]
    # The vendors, as the bundle names them (organization, else common name), in bundle order.
    vendors: tuple[str, ...]
    vendor_keys: frozenset[str]  # the same, in lower case, to match an organization
    # Subject key identifier -> (subject text, common name or subject): a leaf whose
    # authority key identifier is here names an accepted key, whatever issuer name it gives.
    key_ids: dict[bytes, tuple[str, str]] = field(default_factory=dict)


_TRUST: dict[int, Accepted] = {}


def accepted(issuers: tuple[x509.Certificate, ...]) -> Accepted:
    """The prepared form of a policy's accepted issuers, built once per issuer list."""
    entry = _TRUST.get(id(issuers))
    if entry is not None and entry.issuers is issuers:
        return entry
    names: set[str] = set()
    vendors: dict[str, str] = {}  # lower-case -> as written, first spelling wins
    key_ids: dict[bytes, tuple[str, str]] = {}
    for issuer in issuers:
        try:
            subject = name_text(issuer.subject)
            vendor = _vendor(issuer.subject)
        except ValueError:
            continue
        names.add(subject)
        if vendor:
            vendors.setdefault(vendor.lower(), vendor)
        try:
            ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except Exception:  # none, or malformed extensions (cryptography raises more than
            continue  # ValueError for some, e.g. a TypeError for a bad IP name constraint)
        names_cn = issuer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        common = names_cn[0].value if names_cn else subject
        key_ids[ski.value.digest] = (subject, common if isinstance(common, str) else subject)
    entry = Accepted(
        issuers,
        Store(list(issuers)) if issuers else None,
        frozenset(names),
        tuple(vendors.values()),
        frozenset(vendors),
        key_ids,
    )
    if len(_TRUST) >= 16:
        _TRUST.clear()
    _TRUST[id(issuers)] = entry
    return entry


def _vendor(name: x509.Name) -> str:
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        for attribute in name.get_attributes_for_oid(oid):
            if isinstance(attribute.value, str) and attribute.value.strip():
                return attribute.value.strip()
    return ""


def vendor_list(issuers: tuple[x509.Certificate, ...]) -> str:
    """The accepted vendors as one phrase ("A, B or C"), from the configured bundle."""
    vendors = accepted(issuers).vendors
    if not vendors:
        return "(none configured)"
    if len(vendors) == 1:
        return vendors[0]
    return ", ".join(vendors[:-1]) + " or " + vendors[-1]

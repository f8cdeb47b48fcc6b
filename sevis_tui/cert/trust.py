"""Accepted issuers: which certificate authorities SEVIS takes, and the policy built from them.

The shipped default is not a hand-copied list: it is the roots in certifi's bundle (a
maintained copy of Mozilla's) whose organization or name is one of the vendors SEVIS officers
buy personal client-authentication certificates from (docs/domain.md). A configured PEM bundle
(`certificates.accepted_issuers`) replaces it. The embedded demo service adds its own issuer.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import Store

from sevis_tui.cert.describe import name_text
from sevis_tui.cert.model import Policy
from sevis_tui.config import ConfigError, Settings, paths

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


def load_bundle(path: Path) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM bundle; ConfigError (fit to show) when unusable."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"cannot read the accepted issuers bundle {path}: {error.strerror or error}; "
            "fix certificates.accepted_issuers in your config"
        ) from None
    try:
        certificates = tuple(x509.load_pem_x509_certificates(data))
    except ValueError:
        raise ConfigError(
            f"the accepted issuers bundle {path} holds no readable PEM certificate; "
            "it must contain '-----BEGIN CERTIFICATE-----' blocks"
        ) from None
    return certificates


def load_policy(
    settings: Settings,
    extra_issuers: Sequence[x509.Certificate] = (),
    clock: Callable[[], dt.datetime] | None = None,
) -> Policy:
    """The policy from settings: the configured bundle or the shipped default, plus extras;
    judged at `clock()` (default: the system clock)."""
    bundle = settings.accepted_issuers_path
    issuers = load_bundle(bundle) if bundle is not None else default_issuers()
    merged = tuple(dict.fromkeys((*issuers, *extra_issuers)))
    return Policy(
        accepted_issuers=merged,
        expiry_warning_days=settings.certificates.expiry_warning_days,
        max_bytes=settings.certificates.max_file_bytes,
        clock=clock,
    )


def demo_issuers(settings: Settings) -> tuple[x509.Certificate, ...]:
    """The embedded demo service's issuer, when running embedded and it has been created."""
    if not settings.embedded:
        return ()
    path = paths().demo_issuer_cert
    try:
        return tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError):
        return ()


# Per issuer list: its verification Store and each issuer's subject (RFC 4514 text). Looked
# up by identity (a policy keeps its tuple), because hashing a tuple of certificates costs
# microseconds per certificate on every file; each entry holds its tuple, so the id stays
# valid while the entry exists.
_TrustEntry = tuple[tuple[x509.Certificate, ...], Store | None, frozenset[str]]
_TRUST: dict[int, _TrustEntry] = {}


def _trust(issuers: tuple[x509.Certificate, ...]) -> _TrustEntry:
    entry = _TRUST.get(id(issuers))
    if entry is not None and entry[0] is issuers:
        return entry
    names = set()
    for issuer in issuers:
        try:
            names.add(name_text(issuer.subject))
        except ValueError:
            continue
    entry = (issuers, Store(list(issuers)) if issuers else None, frozenset(names))
    if len(_TRUST) >= 16:
        _TRUST.clear()
    _TRUST[id(issuers)] = entry
    return entry


def store_for(issuers: tuple[x509.Certificate, ...]) -> Store | None:
    """The path-validation store of a policy's issuers, built once per issuer list."""
    return _trust(issuers)[1]


def subjects_of(issuers: tuple[x509.Certificate, ...]) -> frozenset[str]:
    """Each accepted issuer's subject as RFC 4514 text, to tell "unknown issuer" quickly.

    Text is compared instead of `x509.Name` objects because hashing and comparing those runs
    Python code for every attribute. Equal names give equal texts, so different texts mean
    different names; the verifier matches issuers by exact name, so it would not match either.
    """
    return _trust(issuers)[2]

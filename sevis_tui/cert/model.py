"""The engine's results: a description of each certificate, the report on a file, the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
from cryptography import x509

from sevis_tui.cert.encoding import pem_from_der
from sevis_tui.cert.findings import Finding

Role = Literal["end-entity", "intermediate", "root"]

DEFAULT_MAX_BYTES = 1024 * 1024
# A PKCS#12 password: a bytearray lets the caller wipe it after use (cryptography reads either).
Password = bytes | bytearray


@dataclass(frozen=True)
class CertificateInfo:
    """What one certificate says, every field already read and made printable-safe to hold.

    Text fields keep the exact value from the certificate (they may hold control characters
    or markup); renderers must sanitise them. Unreadable fields hold "(unreadable)".
    """

    subject: str
    subject_common_name: str
    subject_organization: str
    issuer: str
    issuer_common_name: str
    issuer_organization: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int
    key_description: str
    signature_algorithm: str
    sha256: str
    sha1: str
    emails: tuple[str, ...] = ()
    sans: tuple[str, ...] = ()
    key_usage: tuple[str, ...] = ()
    extended_key_usage: tuple[str, ...] = ()
    is_ca: bool = False
    path_length: int | None = None
    self_signed: bool = False
    aia_urls: tuple[str, ...] = ()
    crl_urls: tuple[str, ...] = ()
    role: Role = "end-entity"

    @property
    def display_name(self) -> str:
        """The common name, else the whole subject: how the officer recognises it."""
        return self.subject_common_name or self.subject or "(no subject)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the fields in order, the dates in ISO 8601 with their offset (+00:00)."""
        fields: dict[str, Any] = msgspec.to_builtins(self, builtin_types=(dt.datetime,))
        return fields | {
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


@dataclass(frozen=True)
class FileReport:
    """Everything the engine says about one file (or uploaded byte string)."""

    name: str
    format: str  # "PEM", "DER", "PKCS#7", "PKCS#12" or "unknown"
    certificates: tuple[CertificateInfo, ...] = ()
    findings: tuple[Finding, ...] = ()
    subject: CertificateInfo | None = None
    subject_der: bytes | None = field(default=None, repr=False)
    has_private_key: bool = False
    # Every certificate's DER, as parsed, in the order of `certificates`: what an upload sends
    # (never the file's bytes, which may hold a private key).
    certificate_ders: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when nothing blocks registration (no error finding)."""
        return not self.errors

    def certificates_only(self) -> bytes:
        """The file's certificates re-encoded as PEM, the one to register first; no key.

        Built from what was parsed, never from the file's bytes: whatever else the file held
        (a private key, text, trailing bytes) is not in it. Empty when no certificate was read.
        """
        ders = list(self.certificate_ders)
        if self.subject_der is not None and self.subject_der in ders:
            ders.remove(self.subject_der)
            ders.insert(0, self.subject_der)
        return b"".join(pem_from_der(der) for der in ders)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able; never includes DER or key bytes."""
        subject_index = (
            next((i for i, c in enumerate(self.certificates) if c is self.subject), None)
            if self.subject is not None
            else None
        )
        return {
            "name": self.name,
            "format": self.format,
            "ok": self.ok,
            "has_private_key": self.has_private_key,
            "subject_index": subject_index,
            "subject": self.subject.to_dict() if self.subject is not None else None,
            "certificates": [c.to_dict() for c in self.certificates],
            "findings": msgspec.to_builtins(self.findings),
        }


@dataclass(frozen=True)
class Policy:
    """What the certificate is judged against."""

    accepted_issuers: tuple[x509.Certificate, ...] = ()
    expiry_warning_days: int = 30
    max_bytes: int = DEFAULT_MAX_BYTES
    now: dt.datetime | None = None  # a fixed time; else `clock`, else the system's, per check
    clock: Callable[[], dt.datetime] | None = None

    def current_time(self) -> dt.datetime:
        if self.now is not None:
            return self.now
        return self.clock() if self.clock is not None else dt.datetime.now(dt.UTC)

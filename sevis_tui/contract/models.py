"""What the service answers (docs/api.md), as frozen msgspec Structs both sides import.

The service encodes these with `contract.encode` and the client decodes them with
`contract.decode`, so both ends agree on one definition, field order included (it is the order
on the wire). Times are aware datetimes (RFC 3339, UTC as `Z`; a time without a time zone is
refused), days are dates, sequences are tuples. A field the reader does not know is ignored,
so a newer service can add one. Certificate findings are the `Finding` objects `cert/`
produces.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec

from sevis_tui.contract.findings import Finding

# A SEVIS exchange-visitor program number: P-1-00001 (P-1 to P-4) or G-1-00001 (G-1 to G-7).
PROGRAM_NUMBER = re.compile(r"P-[1-4]-\d{5}|G-[1-7]-\d{5}")

# A user ID the service accepts: SEVIS's are 10 characters (7 to 10 letters and digits when made
# from a name); the service also allows 4 to 9, for test accounts. Never longer: a longer text
# (a password, say) typed as a user ID is refused before it is sent.
USER_ID = re.compile(r"[A-Za-z0-9]{4,10}")
USER_ID_MAX = 10

# A moment on the wire: always with its time zone (the service sends UTC).
Time = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class Answer(msgspec.Struct, frozen=True):
    """Base of every answer: immutable, compared by value."""


class Health(Answer, frozen=True):
    """GET /health."""

    status: str


class User(Answer, frozen=True):
    user_id: str
    name: str
    # The login before this one (None on a first login): officers check it for misuse.
    last_login: Time | None
    # The day the user ID becomes inactive unless the user logs in again (45 days after now).
    inactive_on: dt.date | None


class LoginResult(Answer, frozen=True):
    token: str
    user: User

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def last_login(self) -> dt.datetime | None:
        return self.user.last_login

    @property
    def inactive_on(self) -> dt.date | None:
        return self.user.inactive_on


class BatchSummary(Answer, frozen=True):
    """A program's batch registration at a glance (listing of programs)."""

    registered: bool
    expires: Time | None  # the current certificate's notAfter
    subject: str | None  # the current certificate's subject (RFC 4514)
    confirmation: str | None = None
    registered_at: Time | None = None
    # The current certificate's SHA-256 (as CertificateSummary.sha256): which programs hold
    # the same certificate, for renewing it everywhere (None from a service that omits it).
    sha256: str | None = None


class ProgramSummary(Answer, frozen=True):
    number: str
    name: str
    city: str
    state: str
    status: str  # e.g. "PROGRAM ACTIVE", "WITHDRAWN"
    role: str  # "RO" or "ARO"
    batch: BatchSummary


class Address(Answer, frozen=True):
    street: str
    city: str
    state: str
    postal_code: str

    def one_line(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


class Designation(Answer, frozen=True):
    categories: tuple[str, ...]  # exchange visitor categories, e.g. "Professor"
    valid_from: dt.date
    valid_to: dt.date


class Official(Answer, frozen=True):
    user_id: str
    name: str
    role: str  # "RO" or "ARO"
    email: str


class ProgramAction(Answer, frozen=True):
    """One entry of the Actions/Edits menus; only batch registration is enabled here."""

    name: str
    enabled: bool
    reason: str  # why it is disabled ("" when enabled)
    menu: str = "Actions"  # "Actions" or "Edits"


class ProgramDetail(Answer, frozen=True):
    """Program Sponsor Information."""

    number: str
    name: str
    sponsor: str
    address: Address
    status: str
    designation: Designation
    officials: tuple[Official, ...]
    role: str  # the logged-in user's role here
    batch: BatchSummary
    actions: tuple[ProgramAction, ...]


class Agreement(Answer, frozen=True):
    version: int
    title: str
    text: str
    effective: dt.date


class Acceptance(Answer, frozen=True):
    program: str
    user_id: str
    version: int
    accepted_at: Time


class CertificateSummary(Answer, frozen=True):
    subject: str
    issuer: str
    not_after: Time
    sha256: str  # colon-separated upper-case hex, like `cert/`
    serial_hex: str = ""


class Confirmation(Answer, frozen=True):
    """The Confirmation page: SEVIS accepted the certificate for the program."""

    number: str  # e.g. SBR-2026-7QK4-M2XD
    program: str
    user_id: str
    time: Time
    certificate: CertificateSummary
    warnings: tuple[Finding, ...]
    # True when the upload held a private key: it was discarded, never stored or logged.
    key_discarded: bool = False
    # The confirmation number this registration replaced, if there was a current one.
    replaced: str | None = None
    # True when the certificate already was the program's current registration: nothing new
    # was registered, and this is that registration's confirmation.
    already_registered: bool = False


class Registration(Answer, frozen=True):
    """One registration in a program's history."""

    confirmation: str
    user_id: str
    time: Time
    certificate: CertificateSummary
    current: bool
    replaced_at: Time | None = None


class BatchStatus(Answer, frozen=True):
    program: str
    current: Registration | None
    history: tuple[Registration, ...]  # newest first, the current one included
    agreement_version: int  # the current agreement version
    accepted_version: int | None  # the newest version this user accepted for this program

    @property
    def agreement_accepted(self) -> bool:
        return self.accepted_version == self.agreement_version


class RegisteredProgram(Answer, frozen=True):
    """One of the user's programs whose current registration is the certificate asked about."""

    number: str
    confirmation: str
    registered_at: Time
    user_id: str  # the officer who registered it


class CertificatePrograms(Answer, frozen=True):
    """GET /batch/registrations?sha256=: which of the user's programs have this certificate
    as their current registration (a replaced one does not count)."""

    sha256: str  # colon-separated upper-case hex, like `cert/`
    programs: tuple[RegisteredProgram, ...]  # by program number

    def numbers(self) -> frozenset[str]:
        return frozenset(item.number for item in self.programs)


class TrustedIssuer(Answer, frozen=True):
    subject: str
    sha256: str
    pem: str


class Trust(Answer, frozen=True):
    """The issuers the service accepts, so offline checks can use the service's own list."""

    issuers: tuple[TrustedIssuer, ...]

    def certificates(self) -> list[Any]:
        """The issuers as `cryptography.x509.Certificate` objects (for `cert.Policy`)."""
        from cryptography import x509

        return [x509.load_pem_x509_certificate(item.pem.encode("ascii")) for item in self.issuers]

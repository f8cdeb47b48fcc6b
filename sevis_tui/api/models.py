"""What the service answers, as frozen dataclasses shared by the client and the service.

The service builds its JSON with `to_json(model)` and the client reads it back with
`from_json(Model, data)`, so both ends agree on one definition. Times are aware UTC datetimes
(ISO 8601 on the wire), days are dates, sequences are tuples. Certificate findings are the
`sevis_tui.cert.Finding` objects the offline check produces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, Union

from sevis_tui.api.errors import MalformedResponse

if TYPE_CHECKING:
    from sevis_tui.cert import Finding


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    # The login before this one (None on a first login): officers check it for misuse.
    last_login: dt.datetime | None
    # The day the user ID becomes inactive unless the user logs in again (45 days after now).
    inactive_on: dt.date | None


@dataclass(frozen=True)
class LoginResult:
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


@dataclass(frozen=True)
class BatchSummary:
    """A program's batch registration at a glance (listing of programs)."""

    registered: bool
    expires: dt.datetime | None  # the current certificate's notAfter
    subject: str | None  # the current certificate's subject (RFC 4514)
    confirmation: str | None = None
    registered_at: dt.datetime | None = None
    # The current certificate's SHA-256 (as CertificateSummary.sha256): which programs hold
    # the same certificate, for renewing it everywhere (None from a service that omits it).
    sha256: str | None = None


@dataclass(frozen=True)
class ProgramSummary:
    number: str
    name: str
    city: str
    state: str
    status: str  # e.g. "PROGRAM ACTIVE", "WITHDRAWN"
    role: str  # "RO" or "ARO"
    batch: BatchSummary


@dataclass(frozen=True)
class Address:
    street: str
    city: str
    state: str
    postal_code: str

    def one_line(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


@dataclass(frozen=True)
class Designation:
    categories: tuple[str, ...]  # exchange visitor categories, e.g. "Professor"
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class Official:
    user_id: str
    name: str
    role: str  # "RO" or "ARO"
    email: str


@dataclass(frozen=True)
class ProgramAction:
    """One entry of the Actions/Edits menus; only batch registration is enabled here."""

    name: str
    enabled: bool
    reason: str  # why it is disabled ("" when enabled)
    menu: str = "Actions"  # "Actions" or "Edits"


@dataclass(frozen=True)
class ProgramDetail:
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


@dataclass(frozen=True)
class Agreement:
    version: int
    title: str
    text: str
    effective: dt.date


@dataclass(frozen=True)
class Acceptance:
    program: str
    user_id: str
    version: int
    accepted_at: dt.datetime


@dataclass(frozen=True)
class CertificateSummary:
    subject: str
    issuer: str
    not_after: dt.datetime
    sha256: str  # colon-separated upper-case hex, like `cert/`
    serial_hex: str = ""


@dataclass(frozen=True)
class Confirmation:
    """The Confirmation page: SEVIS accepted the certificate for the program."""

    number: str  # e.g. SBR-2026-7QK4-M2XD
    program: str
    user_id: str
    time: dt.datetime
    certificate: CertificateSummary
    warnings: tuple[Finding, ...]
    # True when the upload held a private key: it was discarded, never stored or logged.
    key_discarded: bool = False
    # The confirmation number this registration replaced, if there was a current one.
    replaced: str | None = None


@dataclass(frozen=True)
class Registration:
    """One registration in a program's history."""

    confirmation: str
    user_id: str
    time: dt.datetime
    certificate: CertificateSummary
    current: bool
    replaced_at: dt.datetime | None = None


@dataclass(frozen=True)
class BatchStatus:
    program: str
    current: Registration | None
    history: tuple[Registration, ...]  # newest first, the current one included
    agreement_version: int  # the current agreement version
    accepted_version: int | None  # the newest version this user accepted for this program

    @property
    def agreement_accepted(self) -> bool:
        return self.accepted_version == self.agreement_version


@dataclass(frozen=True)
class TrustedIssuer:
    subject: str
    sha256: str
    pem: str


@dataclass(frozen=True)
class Trust:
    """The issuers the service accepts, so offline checks can use the service's own list."""

    issuers: tuple[TrustedIssuer, ...]

    def certificates(self) -> list[Any]:
        """The issuers as `cryptography.x509.Certificate` objects (for `cert.Policy`)."""
        from cryptography import x509

        return [x509.load_pem_x509_certificate(item.pem.encode("ascii")) for item in self.issuers]


# --------------------------------------------------------------------------- (de)serialising

Model = TypeVar("Model")


def to_json(value: Any) -> Any:
    """A model (or anything inside one) as JSON-able data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict") and not isinstance(value, _MODELS):
            return value.to_dict()  # a cert Finding
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    return value


def from_json(model: type[Model], data: Any, where: str = "response") -> Model:
    """Read `data` as `model`, raising MalformedResponse on anything unexpected."""
    return typing.cast(Model, _decode(model, data, where))


def findings_from_json(data: Any, where: str = "findings") -> tuple[Finding, ...]:
    """A list of finding objects (as `cert/` writes them) read back as Findings."""
    from sevis_tui.cert import Finding

    return typing.cast("tuple[Finding, ...]", _decode(tuple[Finding, ...], data, where))


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        try:
            _HINTS[cls] = typing.get_type_hints(cls)
        except NameError:
            # Only Confirmation names Finding; import `cert/` only when it is needed.
            from sevis_tui.cert import Finding

            namespace = {**globals(), "Finding": Finding}
            _HINTS[cls] = typing.get_type_hints(cls, globalns=namespace)
    return _HINTS[cls]


def _decode(kind: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        real = [option for option in options if option is not type(None)]
        return _decode(real[0], data, where)
    if origin is tuple:
        if not isinstance(data, list):
            raise _malformed(where, "a list", data)
        item_kind = typing.get_args(kind)[0]
        return tuple(_decode(item_kind, item, f"{where}[{i}]") for i, item in enumerate(data))
    if kind is dt.datetime:
        return _datetime(data, where)
    if kind is dt.date:
        if not isinstance(data, str):
            raise _malformed(where, "a date", data)
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            raise _malformed(where, "a date", data) from None
    if kind is bool:
        if not isinstance(data, bool):
            raise _malformed(where, "true or false", data)
        return data
    if kind is int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise _malformed(where, "a whole number", data)
        return data
    if kind is str:
        if not isinstance(data, str):
            raise _malformed(where, "a string", data)
        return data
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind, data, where)
    raise TypeError(f"cannot decode {kind!r}")  # a programming error, not bad data


def _decode_dataclass(kind: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise _malformed(where, "an object", data)
    if kind not in _MODELS and hasattr(kind, "from_dict"):
        # A cert Finding: check the four string fields before handing over.
        for key in ("code", "severity", "message", "remedy"):
            if not isinstance(data.get(key), str):
                raise _malformed(f"{where}.{key}", "a string", data.get(key))
        return kind.from_dict(data)
    values: dict[str, Any] = {}
    hints = _hints(kind)
    for field in dataclasses.fields(kind):
        if field.name not in data:
            has_default = (
                field.default is not dataclasses.MISSING
                or field.default_factory is not dataclasses.MISSING
            )
            if has_default:
                continue
            raise MalformedResponse(
                f"The service's answer has no {where}.{field.name}.",
                "The service may be a different version; tell its administrator.",
            )
        values[field.name] = _decode(hints[field.name], data[field.name], f"{where}.{field.name}")
    return kind(**values)


def _datetime(data: Any, where: str) -> dt.datetime:
    if not isinstance(data, str):
        raise _malformed(where, "a time", data)
    try:
        value = dt.datetime.fromisoformat(data.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(where, "a time", data) from None
    if value.tzinfo is None:
        raise _malformed(where, "a time with a time zone", data)
    return value.astimezone(dt.UTC)


def _malformed(where: str, expected: str, got: Any) -> MalformedResponse:
    shown = repr(got)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return MalformedResponse(
        f"The service's answer is malformed: {where} should be {expected}, not {shown}.",
        "The service may be a different version; tell its administrator.",
    )


_MODELS = (
    User,
    LoginResult,
    BatchSummary,
    ProgramSummary,
    Address,
    Designation,
    Official,
    ProgramAction,
    ProgramDetail,
    Agreement,
    Acceptance,
    CertificateSummary,
    Confirmation,
    Registration,
    BatchStatus,
    TrustedIssuer,
    Trust,
)

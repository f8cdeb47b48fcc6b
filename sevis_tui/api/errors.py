"""One exception family for everything that can go wrong between the app and the service.

Every error has a stable `code`, a one-line `message` and a `remedy` fit to show an officer, and the
HTTP `status` when the service answered (None for transport failures). Screens branch on the class
(or on `code`), never on message text.

    try:
        await client.upload_certificate(...)
    except CertificateRejected as error:   # 422: error.findings says why
    except SessionExpired:                  # 401: log in again, then retry
    except SevisError as error:             # anything else: show error.message / error.remedy
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from sevis_tui.contract import Finding


class SevisError(Exception):
    """Base of every client-side error. `findings` is non-empty only for rejected certificates."""

    default_code: ClassVar[str] = "service_error"

    def __init__(
        self,
        message: str,
        remedy: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        findings: tuple[Finding, ...] = (),
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.remedy = remedy
        self.status = status
        self.findings = findings
        # Extra fields the service sent beside code/message/remedy (e.g. attempts_left).
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}".strip()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status!r})"


# ----------------------------------------------------------------- the connection itself


class ConnectionFailed(SevisError):
    """The service could not be reached (refused, DNS, network down)."""

    default_code = "connection_failed"


class ServiceTimeout(SevisError):
    """The service did not answer within the configured timeout."""

    default_code = "timeout"


class TLSFailure(SevisError):
    """The service's TLS certificate could not be verified, or the CA bundle is unusable."""

    default_code = "tls_error"


class InsecureServerURL(SevisError):
    """A plain http:// URL to a non-loopback host, or a URL that is not http(s) at all."""

    default_code = "insecure_url"


class MalformedResponse(SevisError):
    """The service answered something that is not the documented JSON."""

    default_code = "malformed_response"


class ServiceUnavailable(SevisError):
    """The service answered 5xx: it is up but cannot serve now (e.g. its store is locked)."""

    default_code = "service_unavailable"


# ----------------------------------------------------------------- answers from the service


class InvalidRequest(SevisError):
    """400: the request was malformed (a client bug, or a value the service refused)."""

    default_code = "invalid_request"


class InvalidCredentials(SevisError):
    """401 at login: wrong user ID or password. details['attempts_left'] when known."""

    default_code = "invalid_credentials"

    @property
    def attempts_left(self) -> int | None:
        value = self.details.get("attempts_left")
        return value if isinstance(value, int) else None


class SessionExpired(SevisError):
    """401 after login: no session, or it ended after 20 idle minutes. Log in again."""

    default_code = "session_expired"


class AccountLocked(SevisError):
    """423: three failed logins locked the user ID until an administrator unlocks it."""

    default_code = "account_locked"


class AccountInactive(SevisError):
    """403 at login: no login for 45 days made the user ID inactive."""

    default_code = "account_inactive"


class NotAnOfficial(SevisError):
    """403: the user is not the RO or an ARO of that program."""

    default_code = "not_an_official"


class ProgramNotFound(SevisError):
    """404: no program with that number."""

    default_code = "unknown_program"


class AgreementNotAccepted(SevisError):
    """409: the current Batch Processing Agreement must be accepted before uploading."""

    default_code = "agreement_not_accepted"


class StaleAgreement(SevisError):
    """409: the agreement changed since it was shown; show the new version and accept again."""

    default_code = "stale_agreement"


class ProgramInactive(SevisError):
    """409: the program is not active (e.g. withdrawn), so it cannot register a certificate."""

    default_code = "program_inactive"


class IdempotencyConflict(SevisError):
    """409: the same Idempotency-Key was used before with a different file."""

    default_code = "idempotency_key_reused"


class UploadTooLarge(SevisError):
    """413: the file is larger than the service accepts (1 MiB)."""

    default_code = "too_large"


class CertificateRejected(SevisError):
    """422: the service's certificate check found errors; `findings` lists them."""

    default_code = "certificate_rejected"


# Service error codes -> the class that represents them. Unknown codes fall back by status.
_BY_CODE: dict[str, type[SevisError]] = {
    "invalid_credentials": InvalidCredentials,
    "session_expired": SessionExpired,
    "not_authenticated": SessionExpired,
    "account_locked": AccountLocked,
    "account_inactive": AccountInactive,
    "not_an_official": NotAnOfficial,
    "unknown_program": ProgramNotFound,
    "agreement_not_accepted": AgreementNotAccepted,
    "stale_agreement": StaleAgreement,
    "program_inactive": ProgramInactive,
    "idempotency_key_reused": IdempotencyConflict,
    "too_large": UploadTooLarge,
    "certificate_rejected": CertificateRejected,
    "store_unavailable": ServiceUnavailable,
}

_BY_STATUS: dict[int, type[SevisError]] = {
    400: InvalidRequest,
    401: SessionExpired,
    404: ProgramNotFound,
    413: UploadTooLarge,
    422: CertificateRejected,
    423: AccountLocked,
}


def error_class(code: str, status: int) -> type[SevisError]:
    """The exception class for a service error `code` answered with HTTP `status`."""
    if code in _BY_CODE:
        return _BY_CODE[code]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServiceUnavailable
    return SevisError

"""The service's one error shape: {"error": {"code", "message", "remedy", ...}} (+ "findings"),
the contract's ErrorReply.

Every code, with its meaning and remedy, is listed in docs/api.md (API_DOCS).
"""

from __future__ import annotations

import msgspec

from sevis_tui.contract import ErrorDetail, ErrorReply, Finding

API_DOCS = "docs/api.md"
UNSET = msgspec.UNSET


class ApiError(Exception):
    """An answer other than success. Raise it anywhere in a request; a transaction that
    raises it is rolled back.

    A refusal whose traces must stay (a failed-login count and its audit line, say) is not
    raised inside the transaction: the transaction writes them and returns the ApiError, and
    the endpoint raises it once the transaction committed (`audited=True`: the audit line is
    written; otherwise the endpoint's frame writes one).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        remedy: str,
        *,
        attempts_left: int | msgspec.UnsetType = UNSET,
        field: str | msgspec.UnsetType = UNSET,
        current_version: int | msgspec.UnsetType = UNSET,
        findings: tuple[Finding, ...] | msgspec.UnsetType = UNSET,
        audited: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.remedy = remedy
        self.detail = ErrorDetail(
            code,
            message,
            remedy,
            attempts_left=attempts_left,
            field=field,
            current_version=current_version,
        )
        self.findings = findings
        self.audited = audited

    def reply(self) -> ErrorReply:
        return ErrorReply(self.detail, self.findings)


def not_authenticated() -> ApiError:
    return ApiError(
        401,
        "not_authenticated",
        "You are not logged in.",
        "Log in (POST /api/v1/session) and send the token as 'Authorization: Bearer TOKEN'; "
        f"see {API_DOCS}.",
    )


def session_expired() -> ApiError:
    return ApiError(
        401,
        "session_expired",
        "Your session ended after 20 idle minutes.",
        "Log in again; nothing you submitted was lost.",
    )


def invalid_field(name: str, expected: str) -> ApiError:
    return ApiError(
        400,
        "invalid_field",
        f"The request's field '{name}' is missing or is not {expected}.",
        f"Send '{name}' as {expected} (see {API_DOCS}).",
        field=name,
    )


def store_unavailable(detail: str, read_only: bool = False) -> ApiError:
    if read_only:
        return ApiError(
            503,
            "store_unavailable",
            "The service's database is read-only, so nothing can be recorded now.",
            "Try again later; the administrator must make the database file writable.",
        )
    return ApiError(
        503,
        "store_unavailable",
        f"The service's database is unavailable ({detail}).",
        "Try again in a minute; if it persists, tell the service's administrator.",
    )

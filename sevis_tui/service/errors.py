"""The service's one error shape: {"error": {"code", "message", "remedy", ...}} (+ "findings").

Every code, with its meaning and remedy, is listed in docs/api.md (API_DOCS).
"""

from __future__ import annotations

from typing import Any

API_DOCS = "docs/api.md"


class ApiError(Exception):
    """An answer other than success. Raise it anywhere in a request.

    `commit=True` inside a store transaction keeps what the transaction wrote (a failed-login
    count, an audit entry of a rejection) before the error is answered. `audited` says that
    the refusal is already in the audit log (else the endpoint's guard writes it).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        remedy: str,
        *,
        extra: dict[str, Any] | None = None,
        findings: list[dict[str, str]] | None = None,
        commit: bool = False,
        audited: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.remedy = remedy
        self.extra = dict(extra or {})
        self.findings = findings
        self.commit = commit
        self.audited = audited

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "error": {"code": self.code, "message": self.message, "remedy": self.remedy}
        }
        payload["error"].update(self.extra)
        if self.findings is not None:
            payload["findings"] = self.findings
        return payload


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
        extra={"field": name},
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

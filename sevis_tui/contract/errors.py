"""The one error shape of every answer that is not a success (docs/api.md, Errors):

    {"error": {"code", "message", "remedy", ...}, "findings": [...]}

The fields after `remedy` are there only for the codes that carry them; `findings` only on
a rejected certificate. Unset fields are left out of the JSON, not sent as null.
"""

from __future__ import annotations

import msgspec

from sevis_tui.contract.findings import Finding


class ErrorDetail(msgspec.Struct, frozen=True):
    code: str  # stable: match on it
    message: str  # what was wrong, fit to show a person
    remedy: str = ""  # what to do
    attempts_left: int | msgspec.UnsetType = msgspec.UNSET  # invalid_credentials
    field: str | msgspec.UnsetType = msgspec.UNSET  # invalid_field
    current_version: int | msgspec.UnsetType = msgspec.UNSET  # stale_agreement, ...

    def extras(self) -> dict[str, int | str]:
        """The code-specific fields that are set (e.g. {"attempts_left": 2})."""
        values = {
            "attempts_left": self.attempts_left,
            "field": self.field,
            "current_version": self.current_version,
        }
        return {name: value for name, value in values.items() if value is not msgspec.UNSET}


class ErrorReply(msgspec.Struct, frozen=True):
    error: ErrorDetail
    findings: tuple[Finding, ...] | msgspec.UnsetType = msgspec.UNSET

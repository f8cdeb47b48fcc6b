"""Who is asking, as an endpoint learns it: what the audit line of a refusal names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Caller:
    """The user ID a login names, or the session's user, once known; and what to add to the
    audit line of a refusal (an upload's file name)."""

    user_id: str = ""
    detail: str = ""

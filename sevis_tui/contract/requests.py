"""The JSON bodies the service accepts (docs/api.md, Limits): strict, with their limits.

A field the endpoint does not take is refused, and every limit is part of the type, so the
service's decoder checks it at the first byte that breaks it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

MAX_USER_ID = 64
MAX_PASSWORD = 1024


class LoginRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """POST /session."""

    user_id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_USER_ID)]
    password: Annotated[str, msgspec.Meta(max_length=MAX_PASSWORD)]


class AcceptanceRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """POST /programs/{number}/batch/acceptance."""

    version: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]

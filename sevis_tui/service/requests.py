"""The JSON bodies the service accepts (the contract's requests), decoded within limits.

A body is read only up to MAX_JSON_BYTES (413 past that), then decoded straight into its
typed struct (`sevis_tui.contract.requests`, where the limits are): no intermediate Python
objects, so no deep recursion and no huge integers (a 5,000-digit number is "out of range",
arrays nested 20,000 deep never fit in 8 KiB, and a value of the wrong type is refused at
its first byte). Every failure is a 400 in the error
shape; a client's mistake is never logged as an internal error.
"""

from __future__ import annotations

import re
from typing import TypeVar

import msgspec

from sevis_tui.contract import decode as decode_json
from sevis_tui.service.errors import API_DOCS, ApiError

MAX_JSON_BYTES = 8 * 1024
Body = TypeVar("Body", bound=msgspec.Struct)

# What each field must be, in the words of an error message.
EXPECTED = {
    "user_id": "a string of 1 to 64 characters",
    "password": "a string of at most 1024 characters",
    "version": "a whole number (the agreement's version)",
}
_AT_FIELD = re.compile(r"at `\$\.(\w+)`|field `(\w+)`")


def decode(raw: bytes | None, kind: type[Body]) -> Body:
    """The body as `kind`, or a 400/413 ApiError saying what to send instead."""
    if raw is None:
        raise too_large()
    try:
        return decode_json(raw, kind)
    except msgspec.ValidationError as error:
        found = _AT_FIELD.search(str(error))
        if found is None:  # not an object at all
            raise malformed(f"The request body must be a JSON object ({error}).") from None
        name = found.group(1) or found.group(2)
        if name not in EXPECTED:
            raise ApiError(
                400,
                "invalid_field",
                f"The request has a field '{name}' that this endpoint does not take.",
                f"Send only the fields listed in {API_DOCS}.",
                field=name,
            ) from None
        raise ApiError(
            400,
            "invalid_field",
            f"The request's field '{name}' is missing or is not {EXPECTED[name]} ({error}).",
            f"Send '{name}' as {EXPECTED[name]} (see {API_DOCS}).",
            field=name,
        ) from None
    except (msgspec.DecodeError, RecursionError):
        raise malformed("The request body is not valid JSON.") from None


def malformed(message: str) -> ApiError:
    return ApiError(
        400,
        "malformed_json",
        message,
        f'Send one JSON object in UTF-8, e.g. {{"user_id": "...", "password": "..."}} '
        f"(see {API_DOCS}).",
    )


def too_large() -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"The request body is larger than {MAX_JSON_BYTES // 1024} KiB.",
        f"Send a small JSON object with only the fields listed in {API_DOCS}.",
    )

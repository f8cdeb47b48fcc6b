"""Helpers shared by the service tests."""

from __future__ import annotations

import httpx


def code(response: httpx.Response) -> str:
    """The error code of a failed response, which must also carry a message and a remedy."""
    body = response.json()
    assert set(body["error"]) >= {"code", "message", "remedy"}
    assert body["error"]["message"] and body["error"]["remedy"]
    return str(body["error"]["code"])

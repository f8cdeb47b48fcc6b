"""HTTP plumbing of the service: reading requests, and the one error shape for every answer."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sevis_tui.contract import encode
from sevis_tui.service.errors import API_DOCS, ApiError

log = logging.getLogger("sevis_tui.service")

JSON = "application/json"
# Past this, stop reading an oversized body and let the connection close.
MAX_DRAIN_BYTES = 16 * 1024 * 1024


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def program_number(request: Request) -> str:
    return str(request.path_params["number"])[:32]


def declared_over(request: Request, limit: int) -> bool:
    """The request's Content-Length says more than `limit` bytes (checked before reading)."""
    declared = request.headers.get("content-length", "")
    # A length of more than 12 digits is over any limit (and int() of thousands of digits
    # would raise).
    return declared.isdigit() and (len(declared) > 12 or int(declared) > limit)


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` (the rest is drained so the answer arrives)."""
    too_big = declared_over(request, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            if size > MAX_DRAIN_BYTES:
                break
            continue
        chunks.append(chunk)
    return None if too_big else b"".join(chunks)


# --------------------------------------------------------------------------- answers


def json_answer(
    body: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Encoded contract JSON (`contract.encode`) as the HTTP answer."""
    return Response(body, status_code=status, headers=headers, media_type=JSON)


def error_answer(error: ApiError, headers: Mapping[str, str] | None = None) -> Response:
    return json_answer(encode(error.reply()), error.status, headers)


# The app's exception_handlers: every failure leaves in the one error shape.


async def api_error_answer(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_answer(error)


async def http_error_answer(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong method) in the one shape."""
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        refusal = ApiError(
            404,
            "not_found",
            f"There is no {request.url.path}.",
            f"See {API_DOCS} for the API paths.",
        )
    elif error.status_code == 405:
        refusal = ApiError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed on {request.url.path}.",
            f"See {API_DOCS} for the methods each path accepts.",
        )
    else:
        refusal = ApiError(error.status_code, "http_error", str(error.detail), f"See {API_DOCS}.")
    return error_answer(refusal, error.headers)


async def internal_error_answer(request: Request, error: Exception) -> Response:
    """Anything unexpected: a 500 in the one shape, the details only in the log.

    Starlette re-raises the error after this answer for the server to see; uvicorn logs it,
    and the embedded client's transport is told not to raise it into the app.
    """
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=error)
    return error_answer(
        ApiError(
            500,
            "internal_error",
            "The service had an unexpected problem; nothing was registered.",
            "Try again; if it persists, tell the service's administrator (see its log).",
        )
    )

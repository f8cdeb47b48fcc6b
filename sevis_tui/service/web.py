"""HTTP plumbing of the service: reading requests, and the one error shape for every answer."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sevis_tui.service.errors import API_DOCS, ApiError

log = logging.getLogger("sevis_tui.service")

# Past this, stop reading an oversized body and let the connection close.
MAX_DRAIN_BYTES = 16 * 1024 * 1024


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def program_number(request: Request) -> str:
    return str(request.path_params["number"])[:32]


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` (the rest is drained so the answer arrives)."""
    declared = request.headers.get("content-length", "")
    # A length of more than 12 digits is over any limit (and int() of thousands of digits
    # would raise).
    too_big = declared.isdigit() and (len(declared) > 12 or int(declared) > limit)
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


# --------------------------------------------------------------------------- error answers


async def api_error_answer(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JSONResponse(error.body(), status_code=error.status)


async def http_error_answer(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        answer = ApiError(
            404,
            "not_found",
            f"There is no {request.url.path}.",
            f"See {API_DOCS} for the API paths.",
        )
    elif error.status_code == 405:
        answer = ApiError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed on {request.url.path}.",
            f"See {API_DOCS} for the methods each path accepts.",
        )
    else:
        answer = ApiError(error.status_code, "http_error", str(error.detail), f"See {API_DOCS}.")
    return JSONResponse(answer.body(), status_code=answer.status, headers=error.headers)


class CatchAll:
    """Outermost guard: an unexpected exception becomes a 500 in the one shape, no traceback
    in the answer (it goes to the log), and is not re-raised into an embedding client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            answer = ApiError(
                500,
                "internal_error",
                "The service had an unexpected problem; nothing was registered.",
                "Try again; if it persists, tell the service's administrator (see its log).",
            )
            await JSONResponse(answer.body(), status_code=500)(scope, receive, send)

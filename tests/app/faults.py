"""A real embedded service behind an httpx transport that can be told to fail.

The faults are injected at the transport, as the issue asks: the app, the client and the service
are the real ones; only the wire between them misbehaves on demand.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from sevis_tui.api.client import SevisClient
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import ClientFactory
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL

Fault = Callable[[httpx.Request], httpx.Response]


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def timed_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def server_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="Internal Server Error", request=request)


def malformed(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="<html>proxy login</html>", request=request)


def tls_failure(request: httpx.Request) -> httpx.Response:
    cause = ssl.SSLCertVerificationError("certificate verify failed: unable to get local issuer")
    raise httpx.ConnectError(str(cause), request=request) from cause


def session_ended(request: httpx.Request) -> httpx.Response:
    body = {
        "error": {
            "code": "session_expired",
            "message": "Your session ended after 20 idle minutes.",
            "remedy": "Log in again.",
        }
    }
    return httpx.Response(401, json=body, request=request)


def answer_lost(request: httpx.Request) -> httpx.Response:
    """Marker: the request reaches the service, then the answer is lost on the way back."""
    raise AssertionError("handled by FaultyTransport")


@dataclass
class FaultyTransport(httpx.AsyncBaseTransport):
    """Passes requests to the real service unless a fault is armed for that path."""

    inner: httpx.AsyncBaseTransport
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def arm(self, path_part: str, fault: Fault) -> None:
        self.faults.setdefault(path_part, []).append(fault)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        for part, pending in self.faults.items():
            if pending and part in f"{request.method} {request.url.path}":
                fault = pending.pop(0)
                if fault is answer_lost:
                    await self.inner.handle_async_request(request)
                    raise httpx.ReadTimeout("the answer was lost", request=request)
                return fault(request)
        return await self.inner.handle_async_request(request)


def faulty_factory(database: Path) -> tuple[FaultyTransport, ClientFactory]:
    """A client factory for SevisApp whose transport can fail on demand."""
    from sevis_tui.wiring.local_service import create_app

    transport = FaultyTransport(inner=httpx.ASGITransport(app=create_app(database, demo=True)))

    async def factory(settings: Settings) -> SevisClient:
        http = httpx.AsyncClient(transport=transport, base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    return transport, factory

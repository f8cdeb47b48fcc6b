"""Give the app the standard ASGI TLS extension, `scope["extensions"]["tls"]`, under uvicorn.

uvicorn (0.54, 0.55) does not report the peer's certificate to the app: the ASGI TLS
extension is still an open pull request there. The choice here is a small subclass of
uvicorn's own h11 protocol, passed as `uvicorn.Config(http=TLSExtensionH11Protocol)`: when a
connection is made (asyncio calls this after the TLS handshake), it reads the connection's
`ssl.SSLObject` once and wraps the app for that connection so that each request's scope gets
the extension, unless the server already put one there. The service reads only the standard
field, so it keeps working unchanged when uvicorn ships the extension (drop the subclass) or
when a proxy terminates TLS (a middleware there fills the same field).

Why not elsewhere: an ASGI middleware never sees the transport; a patched uvicorn, or a
request header set by ourselves, would be neither standard nor safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from typing import Any

from cryptography import x509
from starlette.types import ASGIApp, Receive, Scope, Send

from sevis_tui.service.connection_limits import GuardedH11Protocol

# TLS version numbers as the extension reports them (the protocol's own wire values).
TLS_VERSIONS = {"TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


class ServerContext(ssl.SSLContext):
    """An SSLContext that remembers its own certificate, for the extension's `server_cert`."""

    server_cert_pem: str | None = None


def tls_extension(ssl_object: ssl.SSLObject) -> dict[str, Any]:
    """The extension's dictionary for one TLS connection (asgiref specs/tls.rst, 0.2)."""
    leaf = ssl_object.getpeercert(binary_form=True)
    chain: list[str] = []
    name: str | None = None
    if leaf:
        # Only the client's own certificate: Python before 3.13 does not publish the rest of
        # the chain it sent, and the batch interface needs only this one.
        chain.append(ssl.DER_cert_to_PEM_cert(leaf))
        try:
            name = x509.load_der_x509_certificate(leaf).subject.rfc4514_string()
        except ValueError:
            name = None
    cipher = ssl_object.cipher()
    return {
        "server_cert": getattr(ssl_object.context, "server_cert_pem", None),
        "client_cert_chain": chain,
        "client_cert_name": name,
        "client_cert_error": None,  # a certificate that fails verification ends the handshake
        "tls_version": TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": _cipher_suite(ssl_object.context, cipher[0]) if cipher else None,
    }


def _cipher_suite(context: ssl.SSLContext, name: str) -> int | None:
    for item in context.get_ciphers():
        if item.get("name") == name:
            return int(item["id"]) & 0xFFFF  # OpenSSL's id carries the 16-bit code low
    return None


class WithTLSExtension:
    """One connection's app: adds its TLS details to every request's scope."""

    def __init__(self, app: ASGIApp, tls: dict[str, Any]) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            extensions = scope.setdefault("extensions", {})
            extensions.setdefault("tls", dict(self.tls))
        await self.app(scope, receive, send)


class TLSExtensionH11Protocol(GuardedH11Protocol):
    """uvicorn's h11 protocol (with the read deadline and connection cap of
    connection_limits.py), plus the ASGI TLS extension in each request's scope."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _no_delay(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if isinstance(ssl_object, ssl.SSLObject):
            self.app = WithTLSExtension(self.app, tls_extension(ssl_object))


def _no_delay(transport: asyncio.Transport) -> None:
    """Send each TLS record at once. asyncio's TLS layer hands the socket a reply's head and
    body as separate records; with Nagle's algorithm the body then waits for the client's
    delayed ACK, 40 ms on Linux, on every reply."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in {socket.AF_INET, socket.AF_INET6}:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

"""Run the batch interface with uvicorn: HTTPS that asks for a client certificate.

    context = server_context(accepted_issuers, cert_file=..., key_file=...)   # or identity=
    with BatchListener(create_batch_app(db), context, port=0) as listener:
        listener.url   # https://127.0.0.1:PORT

The handshake takes only certificates that chain to an accepted issuer (OpenSSL checks the
signatures and the client-authentication usage; an intermediate among the issuers is enough,
as in `cert/`). It does not check dates: the app does, on the service's clock, which tests
move, and says so in a clear reply. A client with no certificate gets through the handshake
and then a clear refusal from the app (C0003), rather than a bare TLS alert.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import uvicorn
from cryptography import x509

from sevis_tui.cert.encoding import pem
from sevis_tui.service.batch.tls_scope import ServerContext, TLSExtensionH11Protocol
from sevis_tui.service.connection_limits import ConnectionLimits
from sevis_tui.storage.ssl_identity import load_identity

DEFAULT_LIMITS = ConnectionLimits()

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME: Python's ssl has no name for it.
NO_CHECK_TIME = ssl.VerifyFlags(0x200000)


def server_context(
    issuers: Sequence[x509.Certificate],
    *,
    cert_file: str | None = None,
    key_file: str | None = None,
    identity: Any = None,
) -> ServerContext:
    """The listener's TLS settings: its own certificate (files, or an `Issued` in memory),
    and the accepted issuers for client certificates."""
    context = ServerContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if identity is not None:
        load_identity(context, identity.key, [identity.certificate])
        context.server_cert_pem = pem(identity.certificate).decode("ascii")
    else:
        assert cert_file is not None
        context.load_cert_chain(cert_file, key_file)
        try:
            with open(cert_file, "rb") as handle:
                loaded = x509.load_pem_x509_certificate(handle.read())
            context.server_cert_pem = pem(loaded).decode("ascii")
        except ValueError:
            context.server_cert_pem = None
    context.verify_mode = ssl.CERT_OPTIONAL
    if issuers:
        context.load_verify_locations(
            cadata=b"".join(pem(issuer) for issuer in issuers).decode("ascii")
        )
    # With no accepted issuer, every certificate fails the handshake: fail closed.
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | NO_CHECK_TIME
    return context


def demo_server_identity(issuer: Any, now: dt.datetime, hosts: Sequence[str] = ()) -> Any:
    """A server certificate from the demo issuer for loopback (and `hosts`)."""
    from sevis_tui.cert.factory import make_server

    return make_server(issuer, ("localhost", "127.0.0.1", *hosts), not_before=now)


class BatchListener:
    """uvicorn serving `app` with `context` in a background thread, on a socket bound at once
    (clients may connect before uvicorn has started: the kernel queues them). `limits`: how
    long a client may take to send a request, how many connections one address may hold."""

    def __init__(
        self,
        app: Any,
        context: ssl.SSLContext,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: ConnectionLimits = DEFAULT_LIMITS,
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.socket.listen(512)
        self.host, self.port = self.socket.getsockname()[:2]
        config = uvicorn.Config(
            app,
            **limits.uvicorn_options(TLSExtensionH11Protocol),
            ssl_context_factory=lambda _config, _default: context,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.socket]},
            daemon=True,
            name="sevis-tui batch listener",
        )

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def start(self) -> BatchListener:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        self.socket.close()

    def __enter__(self) -> BatchListener:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

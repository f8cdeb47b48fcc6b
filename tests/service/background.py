"""Run the service with uvicorn in a background thread on a loopback port (tests only).

    with BackgroundServer(app) as server:
        server.url  # http://127.0.0.1:PORT

`limits`: the read deadline and connection cap `sevis-tui serve` runs with (else uvicorn's own).

The listening socket is bound before the thread starts, so clients may connect at once (the
kernel queues them until uvicorn accepts): no waiting for start-up.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from sevis_tui.service.connection_limits import ConnectionLimits


class BackgroundServer:
    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        limits: ConnectionLimits | None = None,
    ) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.socket.listen(2048)
        self.host, self.port = self.socket.getsockname()[:2]
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            ssl_certfile=tls_cert,
            ssl_keyfile=tls_key,
            **(limits.uvicorn_options() if limits else {}),
        )
        self.scheme = "https" if tls_cert else "http"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()

"""Open a SevisClient for the configured service, or for the embedded demo service.

With no server URL (`settings.embedded`), the registration service runs in this process on
`paths().database`, seeded with the demo data, and the client talks to it through
`httpx.ASGITransport`: no socket, no port. Otherwise the client talks HTTPS to
`settings.server.url` with TLS verified against the system store (or `server.ca_bundle`).
The service is imported only in embedded mode, so a remote-only start stays quick.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from sevis_tui.api import errors
from sevis_tui.api.client import SevisClient, api_base_url
from sevis_tui.config import Settings, paths

EMBEDDED_BASE_URL = "http://embedded.sevis-tui/api/v1/"


async def open_client(settings: Settings) -> SevisClient:
    """The client for `settings`. Raises SevisError (e.g. InsecureServerURL, TLSFailure)."""
    if settings.embedded:
        return await open_embedded_client(settings)
    base = api_base_url(settings.server.url)
    verify = tls_context(settings)
    timeout = httpx.Timeout(settings.server.timeout)
    if _proxied(base):
        # httpx reads HTTPS_PROXY & co. itself, but only with its default transport.
        http = httpx.AsyncClient(base_url=base, timeout=timeout, verify=verify)
    else:
        # TCP_NODELAY: an upload's body is not held back waiting for the headers' ACK.
        transport = httpx.AsyncHTTPTransport(
            verify=verify, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        http = httpx.AsyncClient(base_url=base, timeout=timeout, transport=transport)
    return SevisClient(http, server_label=settings.server.url)


async def open_embedded_client(settings: Settings, database: Path | None = None) -> SevisClient:
    """The in-process demo service on `database` (default paths().database), seeded if needed."""
    from sevis_tui.service.app import create_app

    target = database or paths().database
    # Creating the app migrates and seeds the database (scrypt, maybe a CA key): off the loop.
    try:
        app = await asyncio.to_thread(create_app, target, settings=settings, demo=True)
    except Exception as error:  # OSError, or the service's ApiError (store_unavailable)
        reason = getattr(error, "strerror", None) or getattr(error, "message", None) or error
        raise errors.ServiceUnavailable(
            f"Cannot open the demo service's database {target}: {reason}",
            "Make the data folder writable (see `sevis-tui locate`) or set XDG_DATA_HOME.",
        ) from None
    _log_to_file(paths().state_dir / "embedded-service.log")
    transport = httpx.ASGITransport(app=app)
    http = httpx.AsyncClient(
        transport=transport, base_url=EMBEDDED_BASE_URL, timeout=settings.server.timeout
    )
    return SevisClient(http, retries=0, server_label="the embedded demo service")


def _proxied(url: str) -> bool:
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    return bool(proxies.get(parts.scheme)) and not urllib.request.proxy_bypass(parts.netloc)


def _log_to_file(path: Path) -> None:
    """The in-process service's log goes to a file: stderr belongs to the terminal UI."""
    logger = logging.getLogger("sevis_tui.service")
    if logger.handlers:
        return
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    logger.addHandler(handler)
    logger.propagate = False


def tls_context(settings: Settings) -> ssl.SSLContext | bool:
    """TLS verification: the configured CA bundle, else the system store (certifi if empty)."""
    if not settings.server.verify_tls:
        return False
    bundle = settings.server.ca_bundle
    if bundle:
        path = Path(bundle).expanduser()
        try:
            return ssl.create_default_context(cafile=str(path))
        except (OSError, ssl.SSLError) as error:
            raise errors.TLSFailure(
                f"Cannot use the CA bundle {path}: {getattr(error, 'strerror', None) or error}.",
                "Set server.ca_bundle to a readable PEM file with the service's CA certificate.",
            ) from None
    context = ssl.create_default_context()
    if context.cert_store_stats().get("x509_ca", 0) == 0:
        import certifi

        context.load_verify_locations(cafile=certifi.where())
    return context

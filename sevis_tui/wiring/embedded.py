"""The app side's wiring: which service the app talks to, the configured one or the demo.

With no server URL (`settings.embedded`), the registration service runs in this process on
`paths().database`, seeded with the demo data, and the client talks to it through
`httpx.ASGITransport`: no socket, no port. Otherwise `api.remote` opens an HTTPS client.
The service is imported only in embedded mode, so a remote-only start stays quick, and the
client only when it is opened (in a worker), so the login screen may ask for the demo login
without paying for httpx. This is the one place that joins `api/` and `service/`, which
never import each other.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.settings.config import Settings, paths

if TYPE_CHECKING:
    from datetime import datetime

    from cryptography import x509

    from sevis_tui.api.client import SevisClient

EMBEDDED_BASE_URL = "http://embedded.sevis-tui/api/v1/"


async def open_client(settings: Settings) -> SevisClient:
    """The client for `settings`. Raises SevisError (e.g. InsecureServerURL, TLSFailure)."""
    if settings.embedded:
        return await open_embedded_client(settings)
    from sevis_tui.api.remote import open_remote_client

    return await open_remote_client(settings)


async def open_embedded_client(settings: Settings, database: Path | None = None) -> SevisClient:
    """The in-process demo service on `database` (default paths().database), seeded if needed."""
    import asyncio

    import httpx

    from sevis_tui.api import errors
    from sevis_tui.api.client import SevisClient
    from sevis_tui.wiring.local_service import create_app

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
    # As a server would: an unexpected error is the service's 500 answer (it logs it), not an
    # exception raised into the app (Starlette re-raises it after answering, for servers).
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    http = httpx.AsyncClient(
        transport=transport, base_url=EMBEDDED_BASE_URL, timeout=settings.server.timeout
    )
    return SevisClient(http, retries=0, server_label="the embedded demo service")


def demo_issuers(settings: Settings, now: datetime) -> tuple[x509.Certificate, ...]:
    """The embedded demo's issuer, made now (as the service would) if it is not there yet.

    The app loads its offline rules once; loaded before the demo service had made its issuer
    (Request a certificate works before logging in), they would refuse every demo certificate
    until a restart. Making it here means the rules and the service always agree.
    """
    if not settings.embedded:
        return ()
    from sevis_tui.wiring.local_service import ensure_demo_issuer

    try:
        return (ensure_demo_issuer(now=now).certificate,)
    except (OSError, ValueError):
        # A data folder that cannot be written: the demo service cannot start either, and
        # says why when it is opened; the rules go on without its issuer.
        from sevis_tui.settings.policy import demo_issuers as existing

        return existing(settings)


def demo_credentials() -> tuple[str, str]:
    """The demo user's ID and password, shown on the login screen of the embedded demo."""
    from sevis_tui.service.demo_login import DEMO_PASSWORD, DEMO_USER_ID

    return DEMO_USER_ID, DEMO_PASSWORD


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

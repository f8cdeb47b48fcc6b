"""Where the batch interface is: the configured environment's batch URL, or, for the embedded
demo, a batch listener started on loopback on a free port.

The demo's listener serves the demo database (`paths().database`) with a server certificate
from the demo issuer, made in memory at start; the client then trusts that issuer for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sevis_tui.api.batch_client import BatchError
from sevis_tui.settings.config import Settings, paths

Clock = Callable[[], dt.datetime]


@dataclass
class BatchEndpoint:
    url: str
    label: str  # for messages: the URL, or "the demo's batch listener"
    ca_pem: str | None = None  # the CA of the batch server's certificate, when not the system's
    ca_bundle: str = ""
    stop: Callable[[], None] = field(default=lambda: None)


def open_batch_endpoint(settings: Settings, clock: Clock | None = None) -> BatchEndpoint:
    """The batch interface for `settings` (blocking: run it in a worker thread)."""
    if not settings.embedded:
        url = settings.server.batch_url
        if not url:
            raise BatchError(
                f"No batch URL is configured for {settings.environment_name}.",
                "Set batch_url in its [servers.NAME] table (or server.batch_url); see "
                "`sevis-tui locate` for the config file.",
                code="no_batch_url",
            )
        if not url.startswith("https://"):
            raise BatchError(
                f"The batch URL {url!r} is not an https:// address.",
                "The batch interface is mutual TLS: set batch_url to its https:// address.",
                code="insecure_url",
            )
        return BatchEndpoint(url, url, ca_bundle=settings.server.ca_bundle)
    return _embedded(settings, clock or (lambda: dt.datetime.now(dt.UTC)))


def _embedded(settings: Settings, clock: Clock) -> BatchEndpoint:
    from sevis_tui.cert.encoding import pem
    from sevis_tui.service.batch.app import create_batch_app
    from sevis_tui.service.batch.listener import (
        BatchListener,
        demo_server_identity,
        server_context,
    )
    from sevis_tui.settings.policy import load_policy
    from sevis_tui.wiring.local_service import create_app, ensure_demo_issuer

    database = paths().database
    try:
        create_app(database, settings=settings, demo=True, clock=clock)  # seeds the demo
        issuer = ensure_demo_issuer(now=clock())
        policy = load_policy(settings, extra_issuers=[issuer.certificate], clock=clock)
        context = server_context(
            policy.accepted_issuers, identity=demo_server_identity(issuer, clock())
        )
        listener = BatchListener(create_batch_app(database, clock=clock), context).start()
    except Exception as error:  # OSError, or the service's ApiError (store_unavailable)
        reason = getattr(error, "strerror", None) or getattr(error, "message", None) or error
        raise BatchError(
            f"Cannot start the demo's batch listener: {reason}.",
            "Make the data folder writable (see `sevis-tui locate`), then try again.",
            code="unreachable",
        ) from None
    return BatchEndpoint(
        listener.url,
        "the demo's batch listener",
        ca_pem=pem(issuer.certificate).decode("ascii"),
        stop=listener.stop,
    )

"""Open a SevisClient for a service over the network: HTTPS (plain HTTP only to loopback).

TLS is verified against the system store (certifi's bundle where the system has none), or
against `server.ca_bundle`. A configured proxy (HTTPS_PROXY & co.) is honoured.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from sevis_tui.api import errors
from sevis_tui.api.client import SevisClient, api_base_url
from sevis_tui.settings.config import Settings


async def open_remote_client(settings: Settings) -> SevisClient:
    """The client for `settings.server`. Raises SevisError (InsecureServerURL, TLSFailure)."""
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


def _proxied(url: str) -> bool:
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    return bool(proxies.get(parts.scheme)) and not urllib.request.proxy_bypass(parts.netloc)


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

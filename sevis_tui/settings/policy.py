"""The certificate rules as configured: the `cert.Policy` built from the settings.

The engine (`cert/`) takes its inputs and reads no config; this is where the settings meet it:
the configured bundle of accepted issuers (else the shipped default), the expiry warning, the
size limit, and the embedded demo's issuer. Used by the app, `inspect` and the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sevis_tui.settings.config import ConfigError, Settings, paths

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert import Policy


def load_policy(
    settings: Settings,
    extra_issuers: Sequence[x509.Certificate] = (),
    clock: Callable[[], dt.datetime] | None = None,
) -> Policy:
    """The policy from settings: the configured bundle or the shipped default, plus extras;
    judged at `clock()` (default: the system clock). ConfigError for an unusable bundle."""
    from sevis_tui.cert import BundleError, Policy, accepted_issuers

    try:
        issuers = accepted_issuers(settings.accepted_issuers_path, extra_issuers)
    except BundleError as error:
        raise ConfigError(f"{error}; fix certificates.accepted_issuers in your config") from None
    return Policy(
        accepted_issuers=issuers,
        expiry_warning_days=settings.certificates.expiry_warning_days,
        max_bytes=settings.certificates.max_file_bytes,
        clock=clock,
    )


def demo_issuers(settings: Settings) -> tuple[x509.Certificate, ...]:
    """The embedded demo service's issuer, when running embedded and it has been created."""
    if not settings.embedded:
        return ()
    from cryptography import x509

    path = paths().demo_issuer_cert
    try:
        return tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError):
        return ()

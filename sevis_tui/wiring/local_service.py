"""The service as this machine runs it: its configuration built from the app's settings.

The service reads no settings (`service/config.py`); this is where they meet it, for
`sevis-tui serve`, the app's embedded demo and the demo's batch listener:

    app = create_app(database, settings=settings, demo=True, clock=clock)

The demo's issuing CA lives in the data folder (`paths()`), made the first time it is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.service.config import ServiceConfig
from sevis_tui.service.store import Clock, utc_now
from sevis_tui.settings.config import Settings, paths, shipped_settings

if TYPE_CHECKING:
    from cryptography import x509
    from starlette.applications import Starlette

    from sevis_tui.cert.factory import Issued


def service_config(
    settings: Settings,
    database: Path | str,
    *,
    clock: Clock = utc_now,
    demo: bool = False,
    demo_programs: int = 0,
    extra_issuers: Sequence[x509.Certificate] = (),
    busy_timeout: float = 5.0,
) -> ServiceConfig:
    """The service's configuration: the certificate rules from `settings` (plus `extra_issuers`,
    and the demo issuer, made if missing, when `demo`)."""
    from sevis_tui.settings.policy import load_policy

    issuers = list(extra_issuers)
    if demo:
        issuers.append(ensure_demo_issuer(now=clock()).certificate)
    return ServiceConfig(
        database=database,
        policy=load_policy(settings, extra_issuers=issuers, clock=clock),
        clock=clock,
        demo=demo,
        demo_programs=demo_programs,
        busy_timeout=busy_timeout,
    )


def create_app(
    db_path: Path | str,
    *,
    clock: Clock = utc_now,
    settings: Settings | None = None,
    demo: bool = False,
    demo_programs: int = 0,
    extra_issuers: Sequence[x509.Certificate] = (),
    busy_timeout: float = 5.0,
) -> Starlette:
    """The service over the SQLite file `db_path`, configured from `settings` (default: the
    shipped ones). `demo` seeds the demo and accepts its issuer; see `service_config`."""
    from sevis_tui.service.app import service_app

    config = service_config(
        settings or shipped_settings(),
        db_path,
        clock=clock,
        demo=demo,
        demo_programs=demo_programs,
        extra_issuers=extra_issuers,
        busy_timeout=busy_timeout,
    )
    return service_app(config)


def ensure_demo_issuer(
    cert_path: Path | None = None, key_path: Path | None = None, *, now: dt.datetime | None = None
) -> Issued:
    """The demo issuing CA from the data folder, created there (key mode 0600) the first time,
    valid from a day before `now` (the service's clock; default the system's) for ten years."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from sevis_tui.cert import factory
    from sevis_tui.service.demo import DEMO_ISSUER_NAME, DEMO_ISSUER_ORGANIZATION
    from sevis_tui.storage.atomic import write_atomic

    where = paths()
    cert_path = cert_path or where.demo_issuer_cert
    key_path = key_path or where.demo_issuer_key
    if cert_path.is_file() and key_path.is_file():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            return factory.Issued(certificate, key)
    start = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0) - dt.timedelta(days=1)
    issued = factory.make_ca(
        DEMO_ISSUER_NAME, organization=DEMO_ISSUER_ORGANIZATION, not_before=start
    )
    write_atomic(key_path, factory.key_pem(issued.key), 0o600)
    write_atomic(cert_path, factory.pem(issued.certificate), 0o644)
    return issued

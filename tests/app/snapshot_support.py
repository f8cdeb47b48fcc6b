"""Deterministic apps for snapshots: a fixed clock in the service, blinking cursors frozen."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import httpx
from textual.pilot import Pilot
from textual.widgets import Input

from sevis_tui.api.client import SevisClient
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import ClientFactory, SevisApp
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL

FIXED_NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


def fixed_clock_factory(database: Path) -> ClientFactory:
    async def factory(settings: Settings) -> SevisClient:
        from sevis_tui.wiring.local_service import create_app

        app = create_app(database, demo=True, clock=fixed_clock, settings=settings)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    return factory


def snapshot_app(settings: Settings, home: Path) -> SevisApp:
    """The app and its service on FIXED_NOW; the default policy factory gets the same clock."""
    return SevisApp(
        settings, client_factory=fixed_clock_factory(home / "snapshots.db"), clock=fixed_clock
    )


async def freeze(pilot: Pilot[None]) -> None:
    """Wait for all work, then stop cursors blinking so the picture is stable."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


FIXTURES = Path(__file__).parent / "fixtures"
FILE_TIME = FIXED_NOW.timestamp()


def fixed_certificate_folder(folder: Path) -> Path:
    """Demo issuer and certificate files that are byte-for-byte the same on every run.

    RSA PKCS#1 v1.5 signatures are deterministic, so a fixed issuer key (a test fixture), fixed
    serials, fixed dates and a leaf key derived from a fixed number give identical files. The
    issuer is written where the embedded service looks for its demo issuer.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from sevis_tui.cert import factory
    from sevis_tui.service.demo import DEMO_ISSUER_NAME, DEMO_ISSUER_ORGANIZATION
    from sevis_tui.settings.config import paths

    issuer_key = serialization.load_pem_private_key(
        (FIXTURES / "snapshot-issuer.key").read_bytes(), password=None
    )
    assert isinstance(issuer_key, rsa.RSAPrivateKey)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    issuer = factory.make_ca(
        DEMO_ISSUER_NAME,
        organization=DEMO_ISSUER_ORGANIZATION,
        key=issuer_key,
        serial=1,
        not_before=start,
        not_after=start + dt.timedelta(days=3650),
    )
    where = paths()
    where.demo_issuer_cert.parent.mkdir(parents=True, exist_ok=True)
    where.demo_issuer_cert.write_bytes(factory.pem(issuer.certificate))
    where.demo_issuer_key.write_bytes(factory.key_pem(issuer.key))
    where.demo_issuer_key.chmod(0o600)

    leaf_key = ec.derive_private_key(0x5E715, ec.SECP256R1())
    files = {
        "jsmith6544.pem": factory.make_personal(
            issuer,
            key=leaf_key,
            serial=2,
            not_before=start,
            not_after=start + dt.timedelta(days=730),
        ),
        "expired.pem": factory.make_personal(
            issuer,
            key=leaf_key,
            serial=3,
            not_before=start - dt.timedelta(days=400),
            not_after=start - dt.timedelta(days=35),
        ),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, issued in files.items():
        (folder / name).write_bytes(factory.pem(issued.certificate))
    (folder / "notes.txt").write_text("not a certificate\n")
    (folder / "archive").mkdir()
    for path in folder.iterdir():
        os.utime(path, (FILE_TIME, FILE_TIME))
    return folder


def fixed_policy_app(settings: Settings, home: Path) -> SevisApp:
    """A snapshot app whose offline checks also run at FIXED_NOW (the app's clock)."""
    return snapshot_app(settings, home)

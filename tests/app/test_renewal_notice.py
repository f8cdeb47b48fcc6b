"""Never miss a renewal, in the app: a certificate registered for two programs, then the clock
moved to 10 days before it expires. After login the notice names both programs, the Listing of
Programs shows days left (marked ! within the warning days), and Renew (Ctrl+N) registers the
renewed certificate for every program holding the old one in one pass (issue 14's several-programs
path). The service and the app share one clock."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes
from msgspec.structs import replace
from rich.text import Text
from textual.widgets import DataTable

from sevis_tui.api.client import SevisClient
from sevis_tui.cert.factory import make_personal, pem
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.programs_confirm import ProgramsConfirmDialog
from sevis_tui.tui.screens.multi_agreement import MultiAgreementScreen
from sevis_tui.tui.screens.multi_run import MultiRunScreen
from sevis_tui.tui.screens.multi_upload import MultiUploadScreen
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.wiring.embedded import EMBEDDED_BASE_URL
from sevis_tui.wiring.local_service import ensure_demo_issuer

from .pilot_support import choose_file, log_in, message_text, settle

START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
EXPIRES = START + dt.timedelta(days=40)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Service:
    """The demo service on the shared clock; a fresh client for each use."""

    def __init__(self, database: Path, clock: Clock) -> None:
        self.database, self.clock = database, clock

    async def client(self, settings: Settings) -> SevisClient:
        from sevis_tui.wiring.local_service import create_app

        service = create_app(self.database, demo=True, clock=self.clock, settings=settings)
        transport = httpx.ASGITransport(app=service)
        http = httpx.AsyncClient(transport=transport, base_url=EMBEDDED_BASE_URL)
        return SevisClient(http, retries=0)

    def app(self, settings: Settings) -> SevisApp:
        return SevisApp(settings, client_factory=self.client, clock=self.clock)

    async def register(
        self, settings: Settings, certificate: bytes, numbers: tuple[str, ...]
    ) -> None:
        """Register the certificate through the API, as the walk does, before the login."""
        async with await self.client(settings) as client:
            await client.login(DEMO_USER_ID, DEMO_PASSWORD)
            version = (await client.agreement()).version
            for number in numbers:
                await client.accept_agreement(number, version)
                await client.upload_certificate(number, certificate, "old.pem", str(uuid.uuid4()))
            await client.logout()


def batch_column(app: SevisApp) -> dict[str, str]:
    table = app.screen.query_one(DataTable)
    cells: dict[str, str] = {}
    for row in table.ordered_rows:
        cell = table.get_row(row.key)[-1]
        assert isinstance(cell, Text)
        cells[str(row.key.value)] = cell.plain.replace("\n", " ")
    return cells


async def test_the_notice_days_left_and_renew(plain_settings: Settings, home: Path) -> None:
    clock = Clock(START)
    issuer = ensure_demo_issuer(now=START)
    old = make_personal(issuer, not_before=START - dt.timedelta(days=1), not_after=EXPIRES)
    service = Service(home / "renew.db", clock)
    await service.register(plain_settings, pem(old.certificate), ("P-1-00001", "P-1-00003"))
    # The renewed certificate, as the vendor sends it, where the browser opens.
    renewed_at = EXPIRES - dt.timedelta(days=11)
    new = make_personal(issuer, not_before=renewed_at, not_after=renewed_at + dt.timedelta(365))
    folder = home / "renewed"
    folder.mkdir()
    (folder / "renewed.pem").write_bytes(pem(new.certificate))
    settings = replace(
        plain_settings, browser=replace(plain_settings.browser, start_folder=str(folder))
    )
    app = service.app(settings)
    clock.now = EXPIRES - dt.timedelta(days=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen), app.screen
        listing = app.screen
        said = message_text(app)
        assert "Renew soon" in said, said
        assert "P-1-00001 and P-1-00003 (10 days left)" in said and "^n" in said
        cells = batch_column(app)
        assert cells["P-1-00001"] == cells["P-1-00003"] == "! 10 days left"
        assert cells["P-1-00002"] == "none"
        # Renew: both programs holding the old certificate, the agreement once.
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, MultiAgreementScreen), app.screen
        title = str(app.screen.query_one("#agreement-title").render())
        assert "P-1-00001" in title and "P-1-00003" in title and "P-1-00002" not in title
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MultiUploadScreen), message_text(app)
        await choose_file(pilot, "renewed.pem")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ProgramsConfirmDialog)
        listed = "\n".join(app.screen.lines)
        assert "P-1-00001" in listed and "P-1-00003" in listed
        assert "first registration" not in listed  # each replaces the expiring certificate
        await pilot.press("y")
        await settle(pilot)
        run = app.screen
        assert isinstance(run, MultiRunScreen)
        assert [str(r.outcome) for r in run.engine.results] == ["registered", "registered"]
        # Back on the Listing: it asks the service again, and nothing is left to renew.
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is listing
        assert "Renew soon" not in message_text(app)
        assert batch_column(app)["P-1-00001"] == batch_column(app)["P-1-00003"] == "364 days left"
    async with await service.client(plain_settings) as client:
        await client.login(DEMO_USER_ID, DEMO_PASSWORD)
        fingerprint = new.certificate.fingerprint(hashes.SHA256()).hex()
        holders = await client.registered_with(fingerprint)
        await client.logout()
    assert holders.numbers() == {"P-1-00001", "P-1-00003"}


async def test_no_notice_and_no_renew_when_all_is_well(
    plain_settings: Settings, home: Path
) -> None:
    clock = Clock(START)
    issuer = ensure_demo_issuer(now=START)
    old = make_personal(issuer, not_before=START - dt.timedelta(days=1), not_after=EXPIRES)
    service = Service(home / "renew.db", clock)
    await service.register(plain_settings, pem(old.certificate), ("P-1-00001",))
    app = service.app(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, ProgramsScreen)
        assert "Renew" not in message_text(app)
        assert batch_column(app)["P-1-00001"] == "40 days left"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen)


async def test_twelve_days_at_the_same_hour_are_twelve_days_left(
    plain_settings: Settings, home: Path
) -> None:
    """The Listing and the file preview count days the same way (`formats.days_left`): a
    certificate that ends twelve days from now at this hour has 12 days left, not 11."""
    now = START + dt.timedelta(minutes=5, microseconds=139328)
    clock = Clock(START)
    issuer = ensure_demo_issuer(now=START)
    ends = START + dt.timedelta(days=12)  # the same hour, a few minutes before `now`'s
    old = make_personal(issuer, not_before=START - dt.timedelta(days=1), not_after=ends)
    service = Service(home / "twelve.db", clock)
    await service.register(plain_settings, pem(old.certificate), ("P-1-00001",))
    folder = home / "twelve"
    folder.mkdir()
    (folder / "twelve.pem").write_bytes(pem(old.certificate))
    settings = replace(
        plain_settings, browser=replace(plain_settings.browser, start_folder=str(folder))
    )
    clock.now = now
    app = service.app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert batch_column(app)["P-1-00001"] == "! 12 days left"
        assert "(12 days left)" in message_text(app)
        await pilot.press("escape")  # log out: Inspect (Ctrl+O) is on the login screen
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        preview = app.screen.query_one("#preview")
        lines = [preview.render_line(y).text for y in range(preview.size.height)]
        assert any("(12 days left)" in line for line in lines), lines

"""Request a certificate before the demo service has run must not change the offline rules:
a good demo certificate chosen afterwards, in the same run, is accepted (it was refused as
"not an issuer SEVIS accepts" until a restart)."""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace

from sevis_tui.cert import factory
from sevis_tui.settings.config import Settings
from sevis_tui.tui.screens.inspect import InspectScreen
from sevis_tui.tui.screens.request_certificate import RequestCertificateScreen
from sevis_tui.wiring.local_service import ensure_demo_issuer

from .pilot_support import choose_file, message_text, settle
from .snapshot_support import FIXED_NOW, snapshot_app
from .test_certificate_screens import KEY_PASS, fill, passphrases


async def test_a_request_before_the_demo_issuer_exists_keeps_it_accepted(
    plain_settings: Settings, home: Path
) -> None:
    certs = home / "home" / "certs"
    certs.mkdir()
    settings = replace(
        plain_settings, browser=replace(plain_settings.browser, start_folder=str(certs))
    )
    app = snapshot_app(settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")  # first thing, on a fresh data folder
        await settle(pilot)
        assert isinstance(app.screen, RequestCertificateScreen)
        fill(app, name="Jordan Smith", email="j@example.edu", organization="Example U")
        fill(app, user_id="jsmith6544", folder=str(home / "home"))
        app.screen.query_one("#key-type").focus()
        await pilot.press("right", "right")  # EC P-256: quick to make
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        assert "Wrote jsmith6544.key" in message_text(app)
        # Now the demo's issuer signs a certificate (as `sevis-tui demo-certs` does).
        issuer = ensure_demo_issuer(now=FIXED_NOW)
        issued = factory.make_personal(issuer, key_type="ec", not_before=FIXED_NOW)
        (certs / "jsmith6544.pem").write_bytes(factory.pem(issued.certificate))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, InspectScreen)
        await choose_file(pilot, "jsmith6544.pem")
        assert "No problems found" in message_text(app), message_text(app)

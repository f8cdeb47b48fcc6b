"""Request a certificate, Assemble PKCS#12, Extract: driven with Pilot; each refusal is one clear
message, the typed details stay, the passphrases are emptied, and nothing is half written.
The app, its checks and the demo issuer share one fixed clock."""

from __future__ import annotations

import datetime as dt
import io
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from sevis_tui.cert.factory import make_ca, pem, sign_request
from sevis_tui.cert.request import RequestDetails, build_csr, encrypted_key_pem, new_private_key
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.screens.assemble_p12 import AssembleP12Screen
from sevis_tui.tui.screens.certificate_form import CertificateFormScreen
from sevis_tui.tui.screens.extract_certificate import ExtractCertificateScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.outcomes import CertificateToolWanted
from sevis_tui.tui.screens.request_certificate import RequestCertificateScreen
from sevis_tui.wiring.local_service import ensure_demo_issuer

from .pilot_support import message_text, settle
from .snapshot_support import FIXED_NOW, snapshot_app

KEY_PASS = "correct horse battery"
P12_PASS = "another passphrase 1"


def form(app: SevisApp) -> CertificateFormScreen:
    screen = app.screen
    assert isinstance(screen, CertificateFormScreen), screen
    return screen


def value(app: SevisApp, field: str) -> str:
    return form(app).query_one(f"#{field}", Input).value


def fill(app: SevisApp, **fields: str) -> None:
    for field, text in fields.items():
        form(app).query_one(f"#{field.replace('_', '-')}", Input).value = text


async def passphrases(
    pilot: Pilot[None], first: str, second: str, field: str = "passphrase"
) -> None:
    """Type the two passphrases as the officer does: into the first, Enter, the second, Enter."""
    form(pilot.app).query_one(f"#{field}", Input).focus()
    await pilot.press(*first, "enter", *second, "enter")
    await settle(pilot)


def result_text(app: SevisApp) -> str:
    """The result pane as plain text (wrapped at 76 columns)."""
    out = io.StringIO()
    Console(file=out, width=76, color_system=None).print(
        form(app).query_one("#result-body", Static).content
    )
    return out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def keys(home: Path) -> Path:
    folder = home / "home" / "keys"
    folder.mkdir()
    return folder


# --------------------------------------------------------------------------- Request a certificate


async def test_request_from_the_login_screen(
    plain_settings: Settings, home: Path, keys: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("ctrl+n")  # no login needed
        await settle(pilot)
        assert isinstance(app.screen, RequestCertificateScreen)
        # Enter moves from field to field; the key type changes with the arrows.
        await pilot.press(*"Jordan Smith", "enter", *"jsmith@example.edu", "enter")
        await pilot.press(*"Example University", "enter", *"jsmith6544", "enter")
        await pilot.press("right", "right", "enter")  # EC P-256 (quick to make)
        fill(app, folder=str(keys))
        # Passphrases that differ: said, both emptied, the details kept, nothing written.
        await passphrases(pilot, KEY_PASS, KEY_PASS + "!")
        assert "differ" in message_text(app)
        assert value(app, "passphrase") == value(app, "passphrase-again") == ""
        assert app.focused is form(app).query_one("#passphrase")
        assert value(app, "name") == "Jordan Smith" and value(app, "user-id") == "jsmith6544"
        # Too short.
        await passphrases(pilot, "eleven char", "eleven char")
        assert "at least 12" in message_text(app)
        assert not list(keys.iterdir())
        # Good: the key (encrypted, 0600) and the request, and what to do next.
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        key, csr = keys / "jsmith6544.key", keys / "jsmith6544.csr"
        assert form(app).showing_result, message_text(app)
        assert mode(key) == 0o600 and b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
        assert "Wrote jsmith6544.key and jsmith6544.csr" in message_text(app)
        assert x509.load_pem_x509_csr(csr.read_bytes()).is_signature_valid
        shown = result_text(app)
        assert "SHA-256" in shown and "BEGIN CERTIFICATE REQUEST" in shown
        # Again: the existing key is replaced only after a second confirmation.
        before = key.read_bytes()
        await pilot.press("e")
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        assert isinstance(app.screen, ConfirmDialog)
        assert "lost for good" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert "Nothing was replaced" in message_text(app) and key.read_bytes() == before
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        await pilot.press("y")
        await settle(pilot)
        assert form(app).showing_result and key.read_bytes() != before


@pytest.mark.parametrize(
    ("field", "text", "said"),
    [
        ("email", "jsmith at example", "e-mail address"),
        ("user-id", "j$", "4 to 10 letters"),
        ("organization", "", "organization is missing"),
        ("email", "life\x1b[31m\x07@x.edu", "e-mail address holds the control character U+001B"),
        ("name", "Jordan\x7f Smith", "full name holds the control character U+007F"),
    ],
)
async def test_request_says_which_detail_is_wrong(
    plain_settings: Settings, home: Path, keys: Path, field: str, text: str, said: str
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        fill(app, name="Jordan Smith", email="js@example.edu", organization="Example U")
        fill(app, user_id="jsmith6544", folder=str(keys))
        fill(app, **{field.replace("-", "_"): text})
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        assert said in message_text(app).lower() or said in message_text(app)
        assert app.focused is form(app).query_one(f"#{field}")
        assert not list(keys.iterdir())


# --------------------------------------------------------------------------- Assemble PKCS#12


@pytest.fixture
def issued(home: Path, keys: Path) -> Path:
    """A key (encrypted) and its certificate from the demo issuer, signed at the fixed time."""
    key = new_private_key("ec-p256")
    details = RequestDetails("Jordan Smith", "js@example.edu", "Example U", "jsmith6544")
    issuer = ensure_demo_issuer(now=FIXED_NOW)
    start = FIXED_NOW - dt.timedelta(days=1)
    certificate = sign_request(issuer, build_csr(key, details), not_before=start)
    (keys / "jsmith6544.key").write_bytes(encrypted_key_pem(key, KEY_PASS.encode()))
    (keys / "jsmith6544.pem").write_bytes(pem(certificate))
    return keys


async def open_assemble(pilot: Pilot[None], folder: Path, cert: str = "jsmith6544.pem") -> None:
    await settle(pilot)
    pilot.app.post_message(CertificateToolWanted("assemble"))
    await settle(pilot)
    assert isinstance(pilot.app.screen, AssembleP12Screen)
    app = pilot.app
    assert isinstance(app, SevisApp)
    fill(app, key=str(folder / "jsmith6544.key"), cert=str(folder / cert))
    fill(app, out=str(folder / "batch.p12"))


async def test_assemble_refuses_then_writes(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued)
        # The new passphrase typed differently.
        await passphrases(pilot, P12_PASS, P12_PASS + "x")
        assert "differ" in message_text(app)
        # A wrong passphrase for the key: said, and back to that field.
        fill(app, key_passphrase="not the key's passphrase")
        await passphrases(pilot, P12_PASS, P12_PASS)
        assert "passphrase does not open the key" in message_text(app)
        assert app.focused is form(app).query_one("#key-passphrase")
        assert not (issued / "batch.p12").exists()
        # The right one.
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        target = issued / "batch.p12"
        assert "Wrote batch.p12" in message_text(app), message_text(app)
        assert mode(target) == 0o600 and form(app).showing_result
        assert "OK with 1 warning" in result_text(app)
        assert value(app, "key-passphrase") == ""  # secrets do not stay in the form


async def test_assemble_legacy_says_it_is_weaker(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued)
        fill(app, key_passphrase=KEY_PASS)
        form(app).query_one("#form-choice").focus()
        await pilot.press("right")
        await passphrases(pilot, P12_PASS, P12_PASS)
        assert "legacy" in message_text(app) and "weaker" in message_text(app)
        assert (issued / "batch.p12").exists()


async def test_assemble_with_a_certificate_of_another_key(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    other = new_private_key("ec-p256")
    details = RequestDetails("Someone Else", "se@example.edu", "Example U", "selse1234")
    issuer = ensure_demo_issuer(now=FIXED_NOW)
    start = FIXED_NOW - dt.timedelta(days=1)
    certificate = sign_request(issuer, build_csr(other, details), not_before=start)
    (issued / "other.pem").write_bytes(pem(certificate))
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued, cert="other.pem")
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        assert "does not belong to any certificate" in message_text(app)
        assert not (issued / "batch.p12").exists()


async def test_assemble_when_the_chain_cannot_be_completed(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    key_file = issued / "jsmith6544.key"
    key = serialization.load_pem_private_key(key_file.read_bytes(), KEY_PASS.encode())
    details = RequestDetails("Jordan Smith", "js@example.edu", "Example U", "jsmith6544")
    stranger = make_ca("Intermediate Nobody Has", issuer=make_ca("Unknown Root"))
    start = FIXED_NOW - dt.timedelta(days=1)
    csr = build_csr(key, details)  # type: ignore[arg-type]
    (issued / "stranger.pem").write_bytes(pem(sign_request(stranger, csr, not_before=start)))
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued, cert="stranger.pem")
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        assert "cannot be completed offline" in message_text(app)
        assert "missing_intermediate" in result_text(app)
        assert not (issued / "batch.p12").exists()
        await pilot.press("e")  # back to the form, the paths as they were
        assert value(app, "cert").endswith("stranger.pem")


# --------------------------------------------------------------------------- Extract


async def test_extract_the_certificate_from_the_p12(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued)
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        app.post_message(CertificateToolWanted("extract"))
        await settle(pilot)
        assert isinstance(app.screen, ExtractCertificateScreen)
        fill(app, p12=str(issued / "batch.p12"), folder=str(issued / "upload"))
        form(app).query_one("#passphrase", Input).focus()
        await pilot.press(*"not the passphrase", "enter")
        await settle(pilot)
        assert "passphrase opens" in message_text(app)
        assert not (issued / "upload").exists()
        await pilot.press(*P12_PASS, "enter")
        await settle(pilot)
        written = issued / "upload" / "batch.pem"
        assert written.read_bytes() == (issued / "jsmith6544.pem").read_bytes()
        assert (issued / "upload" / "batch.cer").exists()
        assert "Wrote batch.pem and batch.cer" in message_text(app)


async def test_request_into_a_folder_that_cannot_be_written(
    plain_settings: Settings, home: Path, immutable_folder: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        fill(app, name="Jordan Smith", email="js@example.edu", organization="Example U")
        fill(app, user_id="jsmith6544", folder=str(immutable_folder))
        await passphrases(pilot, KEY_PASS, KEY_PASS)
        said = message_text(app)
        assert "Cannot write" in said or "not writable" in said, said
        assert "Traceback" not in said and not form(app).showing_result
        assert app.focused is form(app).query_one("#folder")
        assert value(app, "name") == "Jordan Smith"
        assert not list(immutable_folder.iterdir())


# --------------------------------------------------------------------------- replacing files


async def test_assemble_replaces_a_p12_only_after_a_second_yes(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    target = issued / "batch.p12"
    target.write_bytes(b"the batch client's current file")
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued)
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        assert isinstance(app.screen, ConfirmDialog)
        assert "batch.p12 already exists" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert "Nothing was replaced" in message_text(app)
        assert target.read_bytes() == b"the batch client's current file"
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        await pilot.press("y")
        await settle(pilot)
        assert "Wrote batch.p12" in message_text(app) and mode(target) == 0o600


async def test_extract_replaces_only_after_a_second_yes(
    plain_settings: Settings, home: Path, issued: Path
) -> None:
    app = snapshot_app(plain_settings, home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_assemble(pilot, issued)
        fill(app, key_passphrase=KEY_PASS)
        await passphrases(pilot, P12_PASS, P12_PASS)
        (issued / "batch.pem").write_text("an older certificate")
        app.post_message(CertificateToolWanted("extract"))
        await settle(pilot)
        fill(app, p12=str(issued / "batch.p12"), folder=str(issued))
        form(app).query_one("#passphrase", Input).focus()
        await pilot.press(*P12_PASS, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "batch.pem already exists" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert (issued / "batch.pem").read_text() == "an older certificate"
        assert not (issued / "batch.cer").exists()
        # This form has no file name to change: it says what there is to change.
        said = message_text(app)
        assert "Nothing was replaced. Choose another folder to save in" in said, said
        await pilot.press(*P12_PASS, "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert (issued / "batch.pem").read_bytes() == (issued / "jsmith6544.pem").read_bytes()

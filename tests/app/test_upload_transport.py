"""The private key never leaves the machine: every byte the app's transport sends, recorded.

The app runs as it does for an officer (embedded demo service, its own client factory); only
httpx's ASGI transport is replaced by a subclass that records each request (method, URL,
headers, body) before passing it on. Uploading the demo's with-private-key.pem and its .p12
must send no "PRIVATE KEY" text and no run of the private key's bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from sevis_tui.commands.demo_certs import P12_PASSWORD
from sevis_tui.service.demo import DEMO_USER_ID
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.dialogs.p12_password import PasswordDialog
from sevis_tui.tui.screens.result import ResultScreen
from sevis_tui.tui.screens.upload import UploadScreen

from .pilot_support import choose_file, message_text, settle, to_upload

RUN = 16  # bytes: no run this long of the key's encoding may be sent


class Recorder:
    def __init__(self) -> None:
        self.sent = bytearray()
        self.uploads: list[bytes] = []


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    record = Recorder()

    class RecordingTransport(httpx.ASGITransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            body = await request.aread()
            record.sent += f"{request.method} {request.url}\r\n".encode()
            for name, value in request.headers.raw:
                record.sent += name + b": " + value + b"\r\n"
            record.sent += b"\r\n" + body
            if request.url.path.endswith("/batch/certificate"):
                record.uploads.append(body)
            return await super().handle_async_request(request)

    monkeypatch.setattr(httpx, "ASGITransport", RecordingTransport)
    return record


def secret_runs(key: Any, public: bytes) -> list[bytes]:
    """Runs of the key's DER (both encodings) and PEM text that are not public knowledge.

    The key's encoding holds its public half too, which the certificate carries: runs found
    in the certificates are left out.
    """
    none = serialization.NoEncryption()
    runs: list[bytes] = []
    for form in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        der = key.private_bytes(serialization.Encoding.DER, form, none)
        runs += [der[i : i + RUN] for i in range(len(der) - RUN + 1)]
        lines = key.private_bytes(serialization.Encoding.PEM, form, none).splitlines()[1:-1]
        runs += [line for line in lines[:-1]]  # whole base64 lines (the last may be short)
    public_base64 = base64.b64encode(public)
    return [run for run in runs if run not in public and run not in public_base64]


def certificates_der(data: bytes) -> bytes:
    return b"".join(
        c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(data)
    )


async def upload(pilot: Any, name: str, password: str | None = None) -> UploadScreen:
    app = pilot.app
    await settle(pilot)
    await to_upload(pilot)
    await pilot.press("y")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, UploadScreen)
    await choose_file(pilot, name)
    if password is not None:
        assert isinstance(app.screen, PasswordDialog)
        await pilot.press(*password, "enter")
        await settle(pilot)
    assert app.screen is screen
    report = screen.report
    assert report is not None and report.ok and report.has_private_key, report
    # One consistent message: ready to upload, and what happens to the key.
    said = message_text(app)
    assert "Press u to upload its certificate" in said and "stays on this machine" in said
    assert not any("never upload" in f.message.lower() for f in report.findings)
    await pilot.press("u")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ConfirmDialog)
    assert (
        "This file also holds your private key. Only the certificate is sent; the key stays "
        "on this machine." in dialog.question
    )
    await pilot.press("y")
    await settle(pilot)
    result = app.screen
    assert isinstance(result, ResultScreen) and result.confirmation is not None
    assert not result.confirmation.key_discarded  # the service never saw a key
    return screen


async def test_pem_with_a_key_sends_only_the_certificate(
    settings: Settings, recorder: Recorder
) -> None:
    path = Path(settings.browser.start_folder) / "with-private-key.pem"
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, None)
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await upload(pilot, "with-private-key.pem")
    assert len(recorder.uploads) == 1
    sent = bytes(recorder.sent)
    assert b"PRIVATE KEY" not in sent
    public = certificates_der(data)
    leaked = [run for run in secret_runs(key, public) if run in sent]
    assert not leaked, f"{len(leaked)} runs of the private key were sent"
    # What was sent is the file's certificate, re-encoded: exactly its certificates.
    assert certificates_der(recorder.uploads[0]) == public


async def test_p12_sends_only_its_certificates(settings: Settings, recorder: Recorder) -> None:
    path = Path(settings.browser.start_folder) / f"{DEMO_USER_ID}.p12"
    data = path.read_bytes()
    bundle = pkcs12.load_pkcs12(data, P12_PASSWORD.encode())
    assert bundle.key is not None and bundle.cert is not None
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await upload(pilot, f"{DEMO_USER_ID}.p12", password=P12_PASSWORD)
    assert len(recorder.uploads) == 1
    sent = bytes(recorder.sent)
    assert b"PRIVATE KEY" not in sent
    certificates = [bundle.cert.certificate, *(c.certificate for c in bundle.additional_certs)]
    public = b"".join(c.public_bytes(serialization.Encoding.DER) for c in certificates)
    leaked = [run for run in secret_runs(bundle.key, public) if run in sent]
    assert not leaked, f"{len(leaked)} runs of the private key were sent"
    # Neither the .p12 itself nor any of its encrypted bags: only PEM certificates.
    assert data[:64] not in sent
    assert certificates_der(recorder.uploads[0]) == public
    assert recorder.uploads[0].count(b"-----BEGIN ") == len(certificates)

"""The certificate's-life screens as commands: for the palette (anywhere) and the login screen.

The screens are imported when opened, not when the palette lists them, so starting the app does
not pay for the request and PKCS#12 code.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App

from sevis_tui.palette import PaletteCommand


def open_request_certificate(app: App[Any]) -> None:
    from sevis_tui.screens.request_certificate import RequestCertificateScreen

    _open(app, RequestCertificateScreen)


def open_assemble_p12(app: App[Any]) -> None:
    from sevis_tui.screens.assemble_p12 import AssembleP12Screen

    _open(app, AssembleP12Screen)


def open_extract_certificate(app: App[Any]) -> None:
    from sevis_tui.screens.extract_certificate import ExtractCertificateScreen

    _open(app, ExtractCertificateScreen)


def _open(app: App[Any], kind: type[Any]) -> None:
    if not isinstance(app.screen, kind):
        app.push_screen(kind())


def certificate_commands(app: App[Any]) -> list[PaletteCommand]:
    return [
        (
            "Request a certificate (key and CSR)",
            "Make a private key and the request to paste into a vendor's form; offline",
            partial(open_request_certificate, app),
        ),
        (
            "Assemble the batch client's PKCS#12 (.p12)",
            "Key and certificate, checked, into the .p12 the batch client uses; offline",
            partial(open_assemble_p12, app),
        ),
        (
            "Extract the certificate from a .p12",
            "The certificate alone (.pem and .cer), for upload; offline",
            partial(open_extract_certificate, app),
        ),
    ]

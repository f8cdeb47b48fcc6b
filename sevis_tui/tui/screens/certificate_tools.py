"""The certificate's-life screens (request, assemble, extract): which screen each tool is. The
flow (sevis_tui/tui/flow.py) opens them on CertificateToolWanted, posted by the login screen and the
palette (sevis_tui/tui/palette.py).

The screens are imported when opened, not when the palette lists them, so starting the app does
not pay for the request and PKCS#12 code.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def screen_for(tool: str) -> type[Screen[Any]]:
    """The screen class of a tool: "request", "assemble" or "extract"."""
    if tool == "request":
        from sevis_tui.tui.screens.request_certificate import RequestCertificateScreen

        return RequestCertificateScreen
    if tool == "assemble":
        from sevis_tui.tui.screens.assemble_p12 import AssembleP12Screen

        return AssembleP12Screen
    if tool == "extract":
        from sevis_tui.tui.screens.extract_certificate import ExtractCertificateScreen

        return ExtractCertificateScreen
    raise ValueError(f"no certificate tool {tool!r}")

"""The Textual application (placeholder until the workflow screens land)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from sevis_tui.config import Settings


class SevisApp(App[None]):
    TITLE = "sevis-tui"

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("sevis-tui: the registration screens are being built.")
        yield Footer()


def run_app(settings: Settings) -> int:
    SevisApp(settings).run(mouse=settings.ui.mouse)
    return 0

"""Inspect certificate files offline: the browser and the full report, no server needed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser
from sevis_tui.tui.widgets.file_browser import BROWSER_KEYS_HELP
from sevis_tui.tui.widgets.key_line import KeyLine


class InspectScreen(SevisScreen):
    LOCATION = "Inspect certificate files (offline)"
    HELP = """
# Inspect certificate files (offline)

Check certificate files before you upload anything. Nothing is sent anywhere: the checks run on
this machine, with the same rules the registration service applies.

- Move with the arrows: the preview describes each file.
- **Enter** on a file shows the full report: every certificate in the file, and each problem with
  what to do about it. {key:inspect.browse} or {key:screen.back} returns to the browser.
- {key:screen.back} in the browser closes this screen.

Errors block registration (expired, issuer not accepted, private key readable by others, …);
warnings do not (expires soon, a private key inside the file, …). A password-protected `.p12` or
`.pfx` asks for its password, which is used once to open the file and never stored.

"""
    HELP += BROWSER_KEYS_HELP

    BINDINGS = [
        Binding("b", "browse", "Back to files", id="inspect.browse"),
        Binding("escape", "back", "Back", id="screen.back"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.sevis.settings
        yield from self.compose_top()
        yield CertificateChooser.for_app(
            settings, self.sevis.state.last_folder, self.sevis.get_policy
        )
        yield KeyLine()

    def palette_commands(self) -> list[PaletteCommand]:
        return [("Back to the file list", "Choose another file to inspect", self.action_browse)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "browse":
            return self.query_one(CertificateChooser).showing_report
        return True

    def on_certificate_chooser_inspected(self, event: CertificateChooser.Inspected) -> None:
        report = event.report
        if report.ok and report.has_private_key:
            self.message.show(
                "No problems found: SEVIS would accept its certificate.",
                "Keep the file private: it also holds your private key (an upload sends only "
                "the certificate).",
                tone="info",
            )
        elif report.ok:
            self.message.show("No problems found: SEVIS would accept this file.", tone="info")
        else:
            count = len(report.errors)
            self.message.show(
                f"{count} problem{'s' * (count != 1)} would stop registration.",
                "Read each one below.",
            )
        self.refresh_bindings()

    def action_browse(self) -> None:
        self.message.clear()
        self.query_one(CertificateChooser).show_browser()
        self.refresh_bindings()

    def action_back(self) -> None:
        if self.query_one(CertificateChooser).showing_report:
            self.action_browse()
            return
        super().action_back()

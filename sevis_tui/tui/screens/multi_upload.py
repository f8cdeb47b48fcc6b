"""Batch Process Registration · Upload Certificate, for several programs: choose and check the
file once, confirm the list of programs and what each replaces, then register for each."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from sevis_tui.cert import FileReport
from sevis_tui.contract import CertificatePrograms
from sevis_tui.text.formats import counted
from sevis_tui.tui.dialogs.programs_confirm import (
    ProgramsConfirmDialog,
    programs_line,
    question_for,
    replaces_line,
)
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import UploadConfirmedForPrograms
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser
from sevis_tui.tui.widgets.key_line import KeyLine, bound_keys
from sevis_tui.workflows.multi_register import Certificate, MultiRegistration

REFUSED_FILE = (
    "This file has problems that SEVIS would refuse.",
    "Read the report, fix them, or press b to choose another file.",
)


class MultiUploadScreen(SevisScreen):
    LOCATION = "Batch Process Registration · Upload for several programs"
    HELP = """
# Upload Certificate for several programs

You have accepted the agreement for each program. Choose the certificate file once: it is checked
offline once, and the same certificate is sent to every program. A `.p12`/`.pfx` or a `.pem` that
also holds your private key works too: only its certificate is sent.

- Move with the arrows; the preview checks each file as you go. {key:file_browser.open} chooses a
  file and shows its full report.
- {key:upload.upload} lists the programs and what each registration replaces, and asks once
  before uploading. Programs that already have this certificate are not sent again.
- {key:upload.browse} goes back to the browser to choose another file.
- {key:screen.back} returns to the agreement (you have already accepted it).
"""

    BINDINGS = [
        Binding("u", "upload", "Upload", id="upload.upload"),
        Binding("b", "browse", "Choose another file", id="upload.browse"),
        Binding("escape", "back", "Back", id="screen.back"),
    ]

    DEFAULT_CSS = """
    MultiUploadScreen #chosen-line { padding: 0 1; height: 1; color: $text-muted; }
    """

    def __init__(self, engine: MultiRegistration, *, note: str = "") -> None:
        super().__init__()
        self.engine = engine
        # What the acceptances left to say (a program that refused), shown on arrival.
        self.note = note
        self.report: FileReport | None = None
        self.path: str | None = None

    def compose(self) -> ComposeResult:
        settings = self.sevis.settings
        yield from self.compose_top()
        numbers = [result.number for result in self.engine.results]
        yield Static(Text(programs_line(numbers, 78)), id="chosen-line")
        yield CertificateChooser.for_app(
            settings, self.sevis.state.last_folder, self.sevis.get_policy
        )
        yield KeyLine()

    def on_mount(self) -> None:
        if self.note:
            self.message.show(self.note, "Choose the certificate file.", tone="warning")

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Upload the chosen certificate", "Register it for every program", self.action_upload),
            ("Choose another file", "Back to the file browser", self.action_browse),
        ]

    @property
    def chooser(self) -> CertificateChooser:
        return self.query_one(CertificateChooser)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "upload":
            if self.report is None:
                return False
            return True if self.report.ok else None
        if action == "browse":
            return self.report is not None
        return True

    def why_not(self, action: str) -> str:
        return " ".join(REFUSED_FILE) if action == "upload" else ""

    def on_certificate_chooser_inspected(self, event: CertificateChooser.Inspected) -> None:
        self.report = event.report
        self.path = event.path
        name = Path(event.path).name
        count = len(self.engine.results)
        if event.report.ok:
            self.message.show(
                f"{name} passed the offline checks.",
                f"Press {bound_keys(self).get('upload.upload', 'u')} to register it for the "
                f"{counted(count, 'program')}.",
                tone="info",
            )
        else:
            errors = len(event.report.errors)
            self.message.show(
                f"{name} cannot be registered: see the {errors} error{'s' * (errors != 1)} below.",
                "Fix the file, or press b to choose another one.",
            )
        self.refresh_bindings()

    def action_browse(self) -> None:
        self.report = None
        self.message.clear()
        self.chooser.show_browser()
        self.refresh_bindings()

    def action_back(self) -> None:
        if self.chooser.showing_report:
            self.action_browse()
            return
        super().action_back()

    # ------------------------------------------------------------------ uploading

    def certificate(self) -> Certificate | None:
        if self.report is None or not self.report.ok:
            return None
        return Certificate.from_report(self.report, Path(self.path or "").name)

    def action_upload(self) -> None:
        certificate = self.certificate()
        if certificate is None:
            if self.report is not None:
                self.message.show(*REFUSED_FILE)
            return
        self.message.show("Looking up the programs' registrations…", tone="working")
        self.request(
            lambda client: client.registered_with(certificate.sha256),
            lambda registered: self._confirm(certificate, registered),
            group="registered",
            retry=self.action_upload,
        )

    def _confirm(self, certificate: Certificate, registered: CertificatePrograms) -> None:
        self.message.clear()
        report = self.report
        results = self.engine.results
        lines = [replaces_line(result, registered) for result in results]
        holding = registered.numbers()
        sending = [
            result.number
            for result in results
            if not (result.done or (result.number in holding and not result.uploaded))
        ]
        held = len(results) - len(sending)
        if not sending:
            holders = "The program holds" if held == 1 else f"All {held} programs hold"
            self.message.show(
                f"Already registered: {holders} this certificate; nothing sent.",
                "Press b to choose another file, or Escape to go back.",
                tone="info",
            )
            return
        question = question_for(
            certificate, sending, report is not None and report.has_private_key, held
        )
        self.app.push_screen(
            ProgramsConfirmDialog(question, lines),
            lambda yes: self._confirmed(certificate, yes),
        )

    def _confirmed(self, certificate: Certificate, yes: bool | None) -> None:
        if yes:
            self.post_message(UploadConfirmedForPrograms(self.engine, certificate))

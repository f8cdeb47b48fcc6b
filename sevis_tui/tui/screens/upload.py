"""Batch Process Registration · Upload Certificate: browse, check offline, confirm, upload."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from sevis_tui.api.errors import SevisError
from sevis_tui.cert import FileReport
from sevis_tui.contract import BatchSummary, Confirmation
from sevis_tui.text.formats import day
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import Refused, Registered
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser
from sevis_tui.tui.widgets.file_browser import BROWSER_KEYS_HELP
from sevis_tui.tui.widgets.key_line import KeyLine

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient

FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
REFUSED_FILE = (
    "This file has problems that SEVIS would refuse.",
    "Read the report, fix them, or press b to choose another file.",
)


class UploadScreen(SevisScreen):
    LOCATION = "Batch Process Registration · Upload Certificate"
    HELP = """
# Upload Certificate

Step 2 of 2. Browse to your certificate file (`.cer`, `.pem`, `.p7b`). A `.p12`/`.pfx` or a `.pem`
that also holds your private key works too: only its certificate is sent, and the key stays on
this machine. A password-protected `.p12` asks for its password, which is used once to open the
file and never stored or sent.

- Move with the arrows; the preview checks each file as you go.
- {key:file_browser.open} chooses a file and shows its full report.
- {key:upload.upload} uploads the chosen file after one confirmation. A file with errors cannot
  be uploaded: the report says what is wrong and how to fix it. Warnings do not block the upload.
- {key:upload.browse} goes back to the browser to choose another file.
- While uploading, {key:screen.back} cancels the upload.
- {key:screen.back} otherwise returns to the agreement (you have already accepted it).

"""
    HELP += BROWSER_KEYS_HELP

    BINDINGS = [
        Binding("u", "upload", "Upload", id="upload.upload"),
        Binding("b", "browse", "Choose another file", id="upload.browse"),
        Binding("escape", "back", "Back", id="screen.back"),
    ]

    DEFAULT_CSS = """
    UploadScreen #uploading { height: 3; display: none; }
    UploadScreen #uploading.-active { display: block; }
    UploadScreen #chosen-line { padding: 0 1; height: 1; color: $text-muted; }
    """

    def __init__(self, number: str, program_name: str, *, held: BatchSummary | None = None) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        # The program's registration as last seen: its certificate is not sent again.
        self.held = held
        self.report: FileReport | None = None
        self.path: str | None = None
        # One key per chosen file: a retried upload of the same file is never registered twice.
        self.idempotency_key = ""
        self.upload_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        settings = self.sevis.settings
        yield from self.compose_top()
        yield Static(f"{self.number} · {self.program_name}", id="chosen-line", markup=False)
        yield CertificateChooser.for_app(
            settings, self.sevis.state.last_folder, self.sevis.get_policy
        )
        yield LoadingIndicator(id="uploading")
        yield KeyLine()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            (
                "Upload the chosen certificate",
                "Send it to SEVIS for registration",
                self.action_upload,
            ),
            ("Choose another file", "Back to the file browser", self.action_browse),
        ]

    @property
    def chooser(self) -> CertificateChooser:
        return self.query_one(CertificateChooser)

    @property
    def uploading(self) -> bool:
        return self.upload_worker is not None and self.upload_worker.state == WorkerState.RUNNING

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "upload":
            if self.report is None or self.uploading:
                return False
            return True if self.report.ok else None
        if action == "browse":
            return self.report is not None and not self.uploading
        return True

    def why_not(self, action: str) -> str:
        if action == "upload":
            return " ".join(REFUSED_FILE)
        return ""

    # ------------------------------------------------------------------ choosing

    def on_certificate_chooser_inspected(self, event: CertificateChooser.Inspected) -> None:
        from sevis_tui.api.client import new_idempotency_key  # loaded since the login

        self.report = event.report
        self.path = event.path
        self.idempotency_key = new_idempotency_key()  # one per chosen file, the same on retry
        name = Path(event.path).name
        if event.report.ok and event.report.has_private_key:
            self.message.show(
                f"{name} passed the offline checks.",
                "Press u to upload its certificate; the private key in it stays on this machine.",
                tone="info",
            )
        elif event.report.ok:
            self.message.show(
                f"{name} passed the offline checks.", "Press u to upload it.", tone="info"
            )
        else:
            count = len(event.report.errors)
            self.message.show(
                f"{name} cannot be registered: see the {count} error{'s' * (count != 1)} below.",
                "Fix the file, or press b to choose another one.",
            )
        self.refresh_bindings()

    def action_browse(self) -> None:
        if self.uploading:
            return
        self.report = None
        self.message.clear()
        self.chooser.show_browser()
        self.refresh_bindings()

    def action_back(self) -> None:
        if self.uploading and self.upload_worker is not None:
            self.upload_worker.cancel()
            self._upload_finished()
            self.message.show("Upload cancelled.", "Press u to upload again.", tone="warning")
            return
        if self.chooser.showing_report:
            self.action_browse()
            return
        super().action_back()

    # ------------------------------------------------------------------ uploading

    def action_upload(self) -> None:
        report = self.report
        if report is None or self.uploading:
            return
        if not report.ok:
            self.message.show(*REFUSED_FILE)
            return
        if self.already_held(report):
            return
        subject = report.subject.subject_common_name if report.subject else "this certificate"
        question = (
            f"Register {subject} for batch processing for {self.number} "
            f"{self.program_name}?\n\nIt replaces any certificate registered for this program."
        )
        if report.has_private_key:
            question += (
                "\n\nThis file also holds your private key. Only the certificate is sent; the "
                "key stays on this machine."
            )
        self.app.push_screen(ConfirmDialog(question, yes="Upload"), self._confirmed)

    def already_held(self, report: FileReport) -> bool:
        """Say so, and send nothing, when the program's registration is this certificate."""
        held = self.held
        if held is None or not held.sha256 or report.subject is None:
            return False
        if report.subject.sha256 != held.sha256:
            return False
        self.say_already(held.confirmation, held.registered_at)
        return True

    def say_already(self, confirmation: str | None, since: datetime | None) -> None:
        when = f", registered {day(since)}" if since is not None else ""
        self.message.show(
            f"Already registered: {self.number} holds this certificate "
            f"({confirmation or 'its current registration'}{when}); nothing sent.",
            "Press b to choose another file, or Escape to go back.",
            tone="info",
        )

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self.start_upload()

    def start_upload(self) -> None:
        if self.path is None:
            return
        self.message.show("Uploading… Escape cancels.", tone="working")
        self.query_one("#uploading").add_class("-active")
        # Keys go on meanwhile: Escape cancels the upload.
        self.upload_worker = self.request(
            self._send, self.uploaded, group="upload", retry=self.start_upload, hold_keys=False
        )
        self.refresh_bindings()

    async def _send(self, client: SevisClient) -> Confirmation:
        report = self.report
        if report is None:
            raise SevisError(
                "No file has been checked yet.", "Choose a file first.", code="no_file_chosen"
            )
        # Only the certificates, re-encoded from what was checked: never the file's bytes,
        # which may also hold a private key (the service would discard it, but it would
        # already have left this machine).
        return await client.upload_certificate(
            self.number,
            report.certificates_only(),
            Path(self.path or "").name,
            self.idempotency_key,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self.upload_worker and event.state in FINISHED:
            self._upload_finished()

    def _upload_finished(self) -> None:
        self.query_one("#uploading").remove_class("-active")
        self.upload_worker = None
        self.refresh_bindings()

    def uploaded(self, confirmation: Confirmation) -> None:
        if confirmation.already_registered:  # the service saw it, where the app could not
            self.say_already(confirmation.number, confirmation.time)
            return
        certificate = confirmation.certificate
        self.held = BatchSummary(
            registered=True,
            expires=certificate.not_after,
            subject=certificate.subject,
            confirmation=confirmation.number,
            registered_at=confirmation.time,
            sha256=certificate.sha256,
        )
        self.message.clear()
        self.post_message(Registered(confirmation))

    def request_failed(self, error: SevisError) -> None:
        if error.findings:
            self.message.clear()
            self.post_message(Refused(error))
            return
        super().request_failed(error)

"""Extract the certificate from a .p12: the certificate alone, as .pem and .cer, for upload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.widget import Widget

from sevis_tui.cert import FileReport
from sevis_tui.storage.certificate_files import likely_file
from sevis_tui.tui.dialogs.save_dialog import shown_path
from sevis_tui.tui.screens.certificate_form import CertificateFormScreen, JobFailed, text_field
from sevis_tui.tui.widgets.report_view import report_renderable


@dataclass(frozen=True)
class Extracted:
    pem: Path
    cer: Path
    report: FileReport


class ExtractCertificateScreen(CertificateFormScreen):
    LOCATION = "Extract the certificate from a .p12"
    INTRO = "The certificate alone (.pem and .cer) from a .p12: the file to upload."
    SUBMIT_HINT = "Enter on the passphrase writes the certificate"
    HELP = """
# Extract the certificate from a .p12

Takes the certificate of the `.p12`'s key out of the file, without the key or the chain, and
writes it twice: `NAME.pem` (text) and `NAME.cer` (binary). Either is what SEVIS registers;
the key stays in the `.p12`.

- **.p12 file**: the batch client's file. **Save in folder**: where the two files go (its own
  folder by default). **Passphrase**: the .p12's; used once, never stored.
- Files that exist are replaced only after a second confirmation.
- The certificate is then checked as *Inspect* does.

{key:form.edit} returns to the form; {key:screen.back} closes this screen.
"""

    def form_fields(self) -> list[tuple[str, Widget]]:
        app = self.sevis
        folder = Path(app.state.last_folder).expanduser() if app.state.last_folder else Path.home()
        user = app.login.user_id if app.login else app.state.last_user_id or "certificate"
        source = likely_file(folder, [f"{user}.p12"], (".p12", ".pfx"))
        return [
            (".p12 file", text_field("p12", shown_path(source))),
            ("Save in folder", text_field("folder", shown_path(folder))),
            ("Passphrase", text_field("passphrase", secret=True, last=True)),
        ]

    def on_mount(self) -> None:
        self.focus_first_field()

    def submit(self) -> None:
        from sevis_tui.storage.certificate_files import existing, extracted_files, folder_problem

        source = self.path("p12")
        if not self.text("p12").strip() or not source.is_file():
            self.refuse(f"There is no .p12 file at {source}.", field="p12")
            return
        folder = self.path("folder") if self.text("folder").strip() else source.parent
        problem = folder_problem(folder)
        if problem:
            self.refuse(problem, field="folder")
            return
        secret = self.take_secret("passphrase").encode("utf-8")
        pem_path, cer_path = extracted_files(folder, source)

        def start(overwrite: bool) -> None:
            self.run_job(
                lambda: self._extract(source, secret, pem_path, cer_path, overwrite),
                self._extracted,
                f"Opening {source.name}…",
            )

        there = existing((pem_path, cer_path))
        if there:
            self.confirm_replace(there, lambda: start(True))
        else:
            start(False)

    def replace_warning(self) -> str:
        return "The .p12 itself is not touched."

    KEEP_BOTH = "Choose another folder to save in (the files are named after the .p12)."

    def _extract(
        self, source: Path, secret: bytes, pem_path: Path, cer_path: Path, overwrite: bool
    ) -> Extracted:
        from sevis_tui.cert import inspect_path
        from sevis_tui.cert.bundle import BundleError, certificate_files, extract_certificate
        from sevis_tui.storage.certificate_files import (
            UnreadableInput,
            read_input,
            write_certificate_pair,
            write_error,
        )

        limit = self.sevis.settings.certificates.max_file_bytes
        try:
            data = read_input(source, ".p12", limit)
        except UnreadableInput as error:
            raise JobFailed(str(error), field="p12") from None
        try:
            certificate = extract_certificate(data, secret, source.name)
        except BundleError as error:
            raise JobFailed(error.message, error.remedy, "passphrase") from None
        pem, der = certificate_files(certificate)
        try:
            write_certificate_pair(pem_path, cer_path, pem, der, overwrite=overwrite)
        except OSError as error:
            raise JobFailed(write_error(error), field="folder") from None
        return Extracted(pem_path, cer_path, inspect_path(pem_path, self.sevis.get_policy()))

    def _extracted(self, done: Extracted) -> None:
        self.sevis.remember(last_folder=str(done.pem.parent))
        if done.report.ok:
            self.message.show(
                f"Wrote {done.pem.name} and {done.cer.name}.",
                "Upload either one in Register for Batch Processing.",
                tone="info",
            )
        else:
            self.message.show(
                f"Wrote {done.pem.name} and {done.cer.name}, but SEVIS would refuse it.",
                "Read the errors below.",
            )
        heading = Text(f"{done.pem}\n{done.cer}\n", style="bold")
        self.show_result([heading, report_renderable(done.report)])

"""Assemble the batch client's PKCS#12: key and certificate checked, chain completed, written 0600.

The same steps as `sevis-tui make-p12` (cert/bundle.py): the key must belong to the
certificate, the chain must reach an accepted issuer offline, no error finding may remain;
then the .p12 is written and inspected as it is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Input

from sevis_tui.cert import FileReport
from sevis_tui.storage.certificate_files import likely_file
from sevis_tui.tui.dialogs.save_dialog import shown_path
from sevis_tui.tui.screens.certificate_form import CertificateFormScreen, JobFailed, text_field
from sevis_tui.tui.widgets.choice_field import ChoiceField
from sevis_tui.tui.widgets.report_view import report_renderable

FORMS = [
    ("Modern: AES-256, PBKDF2", False),
    ("Legacy: 3DES, SHA-1 (weaker)", True),
]
# Where a refusal sends the officer back to.
FIELD_OF = {
    "key_encrypted": "key-passphrase",
    "wrong_passphrase": "key-passphrase",
    "no_key": "key",
    "unsupported_key": "key",
    "not_a_certificate": "cert",
    "key_mismatch": "key",
}


@dataclass(frozen=True)
class Written:
    path: Path
    report: FileReport
    legacy: bool


class AssembleP12Screen(CertificateFormScreen):
    LOCATION = "Assemble the batch client's PKCS#12"
    INTRO = "Your key and the vendor's certificate, checked, into the batch client's .p12."
    SUBMIT_HINT = "Enter on the last field checks and writes the .p12"
    HELP = """
# Assemble the batch client's PKCS#12

Puts your private key and your certificate into the `.p12` file the batch client uses.

- **Private key file** and its **passphrase** (leave the passphrase empty if the key is not
  encrypted). **Certificate file**: what the vendor sent (`.cer`, `.crt`, `.pem`, `.p7b`; with its
  chain if the vendor sent one).
- The key must belong to the certificate; the chain is completed from the file or the accepted
  issuers (nothing is fetched); the checks of *Inspect* must find no error.
- **Form**: modern (AES-256 with PBKDF2-SHA256) unless an old Java batch client needs the legacy
  form (3DES with SHA-1), which is weaker; ←/→ change it.
- **New passphrase**, typed twice, at least 12 characters: the batch client opens the .p12 with
  it. Never keep it in plain text next to the file.
- The `.p12` is written with mode 600 and inspected; a file that exists is replaced only after a
  second confirmation.

{key:form.edit} returns to the form; {key:screen.back} closes this screen.
"""

    def __init__(self) -> None:
        super().__init__()
        self._out_edited = False

    def form_fields(self) -> list[tuple[str, Widget]]:
        app = self.sevis
        folder = Path(app.state.last_folder).expanduser() if app.state.last_folder else Path.home()
        user = app.login.user_id if app.login else app.state.last_user_id or "certificate"
        key = likely_file(folder, [f"{user}.key"], (".key",))
        names = [f"{key.stem}.pem", f"{key.stem}.cer", f"{key.stem}.crt"]
        cert = likely_file(folder, names, (".cer", ".crt", ".pem"))
        return [
            ("Private key file", text_field("key", shown_path(key))),
            ("Key passphrase", text_field("key-passphrase", secret=True, placeholder="if any")),
            ("Certificate file", text_field("cert", shown_path(cert))),
            ("Save the .p12 as", text_field("out", shown_path(cert.with_suffix(".p12")))),
            ("Form", ChoiceField[bool](FORMS, id="form-choice")),
            ("New passphrase", text_field("passphrase", secret=True, placeholder="12 or more")),
            ("Type it again", text_field("passphrase-again", secret=True, last=True)),
        ]

    def on_mount(self) -> None:
        self.focus_first_field()

    @on(Input.Changed, "#out")
    def _out_changed(self, event: Input.Changed) -> None:
        if self.query_one("#out", Input).has_focus:
            self._out_edited = True

    @on(Input.Changed, "#cert")
    def _cert_changed(self, event: Input.Changed) -> None:
        # The .p12 follows the certificate's name as the officer edits it, until they type a
        # name of their own.
        if event.input.has_focus and not self._out_edited and event.value.strip():
            out = Path(event.value.strip()).with_suffix(".p12")
            self.query_one("#out", Input).value = str(out)

    # ------------------------------------------------------------------ submitting

    def submit(self) -> None:
        from sevis_tui.storage.certificate_files import existing, folder_problem

        for field, what in (("key", "private key"), ("cert", "certificate")):
            if not self.path(field).is_file() or not self.text(field).strip():
                self.refuse(f"There is no {what} file at {self.path(field)}.", field=field)
                return
        out = self.path("out")
        if out.suffix.lower() not in {".p12", ".pfx"}:
            self.refuse("The file to write should end in .p12 (or .pfx).", field="out")
            return
        problem = folder_problem(out.parent)
        if problem:
            self.refuse(problem, field="out")
            return
        passphrase = self.take_new_passphrase()
        if passphrase is None:
            return
        key_secret = self.take_secret("key-passphrase").encode("utf-8") or None
        legacy = self.query_one("#form-choice", ChoiceField).value
        key, cert = self.path("key"), self.path("cert")

        def start(overwrite: bool) -> None:
            self.run_job(
                lambda: self._write(key, key_secret, cert, out, passphrase, legacy, overwrite),
                self._written,
                "Checking key and certificate, then writing the .p12…",
            )

        if existing((out,)):
            self.confirm_replace([out], lambda: start(True))
        else:
            start(False)

    def replace_warning(self) -> str:
        return "The batch client may be using that .p12: replacing it takes effect at once."

    def _write(
        self,
        key_path: Path,
        key_secret: bytes | None,
        cert_path: Path,
        out: Path,
        passphrase: bytes,
        legacy: bool,
        overwrite: bool,
    ) -> Written:
        """In the worker's thread: read, check, assemble, write, inspect what was written."""
        from sevis_tui.cert import inspect_path
        from sevis_tui.cert.bundle import (
            BundleError,
            assemble,
            read_certificates,
            read_private_key,
        )
        from sevis_tui.storage.certificate_files import (
            UnreadableInput,
            read_input,
            write_error,
            write_private,
        )

        policy = self.sevis.get_policy()
        limit = self.sevis.settings.certificates.max_file_bytes
        try:
            key_data = read_input(key_path, "key", limit)
        except UnreadableInput as error:
            raise JobFailed(str(error), field="key") from None
        try:
            cert_data = read_input(cert_path, "certificate", limit)
        except UnreadableInput as error:
            raise JobFailed(str(error), field="cert") from None
        try:
            key = read_private_key(key_data, key_secret, key_path.name)
            certificates = read_certificates(cert_data, cert_path.name)
            made = assemble(
                key, certificates, policy, passphrase, legacy=legacy, cert_name=cert_path.name
            )
        except BundleError as error:
            field = FIELD_OF.get(error.code, "cert")
            raise JobFailed(error.message, error.remedy, field, error.findings) from None
        try:
            write_private(out, made.data, overwrite=overwrite)
        except OSError as error:
            raise JobFailed(write_error(error), field="out") from None
        return Written(out, inspect_path(out, policy, password=passphrase), legacy)

    def _written(self, written: Written) -> None:
        from sevis_tui.cert.bundle import LEGACY_WARNING

        self.sevis.remember(last_folder=str(written.path.parent))
        name = written.path.name
        if written.report.errors:  # fail closed: said, even though assemble checked it
            self.message.show(f"{name} was written but does not pass the checks below.")
        elif written.legacy:
            self.message.show(f"Wrote {name} in the legacy form.", LEGACY_WARNING, tone="warning")
        else:
            self.message.show(
                f"Wrote {name} (mode 600).",
                "Give it to the batch client with its passphrase; register the certificate.",
                tone="info",
            )
        form = "legacy: 3DES, SHA-1" if written.legacy else "AES-256-CBC, PBKDF2-HMAC-SHA256"
        heading = Text(f"{written.path}  ({form})\n", style="bold")
        self.show_result([heading, report_renderable(written.report)])

"""Request a certificate: a new private key and the CSR to paste into a vendor's order form.

Works without logging in (from the login screen, Ctrl+N, or the palette): nothing is sent
anywhere. The key is written encrypted (PKCS#8, AES-256) with mode 0600, the CSR beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from sevis_tui.cert.request import DEFAULT_KEY, KEY_CHOICES, KeyChoice, RequestDetails
from sevis_tui.storage.certificate_files import RequestFiles
from sevis_tui.tui.dialogs.save_dialog import shown_path
from sevis_tui.tui.screens.certificate_form import CertificateFormScreen, JobFailed, text_field
from sevis_tui.tui.widgets.choice_field import ChoiceField
from sevis_tui.tui.widgets.report_view import field_grid
from sevis_tui.tui.widgets.wrapping import Hanging

FIELD_IDS = {"name": "name", "email": "email", "organization": "organization", "user_id": "user-id"}


@dataclass(frozen=True)
class Made:
    files: RequestFiles
    subject: str
    key: str
    sha256: str
    csr: str  # the PEM text, to copy from the screen
    steps: list[str]


class RequestCertificateScreen(CertificateFormScreen):
    LOCATION = "Request a certificate"
    INTRO = "A new private key and the request (CSR) for your vendor; nothing is sent."
    SUBMIT_HINT = "Enter on the last field makes the key and the request"
    KEEP_BOTH = "Choose another folder to save in (the files are named after the user ID)."
    HELP = """
# Request a certificate

Makes a new **private key** and a **certificate signing request (CSR)** for a certificate vendor.
Nothing is sent anywhere; you need not be logged in.

- Type your full name, e-mail address, organization and SEVIS user ID as the vendor will check
  them. The files are named after the user ID: `USER_ID.key` and `USER_ID.csr`.
- **Key**: RSA 3072 (the default) or an elliptic-curve key (EC P-256); ←/→ change it. All are
  stronger than SEVIS's minimum.
- **Passphrase**, typed twice: at least 12 characters. It encrypts the key (AES-256); it is never
  stored. Without it the key cannot be used, and no one can recover it.
- A file that exists is replaced only after a second confirmation: replacing a key loses the
  certificate it belongs to.

Then paste the request into the vendor's form, and ask for a **personal certificate with client
authentication**. When it arrives, *Assemble the batch client's PKCS#12* (Ctrl+P) puts key and
certificate together. {key:form.edit} returns to the form; {key:screen.back} closes this screen.
"""

    def form_fields(self) -> list[tuple[str, Widget]]:
        app = self.sevis
        login = app.login
        user_id = login.user_id if login else app.state.last_user_id
        name = login.name if login else ""
        folder = Path(app.state.last_folder).expanduser() if app.state.last_folder else Path.home()
        keys = ChoiceField[KeyChoice](
            [(label, choice) for choice, label in KEY_CHOICES.items()],
            id="key-type",
            index=list(KEY_CHOICES).index(DEFAULT_KEY),
        )
        return [
            ("Your full name", text_field("name", name, placeholder="e.g. Jordan Smith")),
            ("E-mail", text_field("email", placeholder="e.g. jsmith@example.edu")),
            ("Organization", text_field("organization", placeholder="the program sponsor")),
            ("SEVIS user ID", text_field("user-id", user_id, placeholder="e.g. jsmith6544")),
            ("Key", keys),
            ("Save in folder", text_field("folder", shown_path(folder))),
            ("Passphrase", text_field("passphrase", secret=True, placeholder="12 or more")),
            ("Passphrase again", text_field("passphrase-again", secret=True, last=True)),
        ]

    def on_mount(self) -> None:
        self.focus_first_field()

    # ------------------------------------------------------------------ submitting

    def submit(self) -> None:
        from sevis_tui.cert.request import check_details
        from sevis_tui.storage.certificate_files import existing, folder_problem, request_files

        details = RequestDetails(
            self.text("name"), self.text("email"), self.text("organization"), self.text("user-id")
        )
        problems = check_details(details)
        if problems:
            self.refuse(problems[0].message, field=FIELD_IDS[problems[0].field])
            return
        folder = self.path("folder")
        problem = folder_problem(folder)
        if not self.text("folder").strip():
            problem = "Type the folder to save the key and the request in."
        if problem:
            self.refuse(problem, field="folder")
            return
        secret = self.take_new_passphrase()
        if secret is None:
            return
        files = request_files(folder, details.user_id.strip())
        choice = self.query_one("#key-type", ChoiceField).value

        def start(overwrite: bool) -> None:
            self.run_job(
                lambda: self._make(details, choice, files, secret, overwrite),
                self._made,
                f"Making an {KEY_CHOICES[choice].removesuffix(' (default)')} key and the request…",
            )

        there = existing(files.all)
        if there:
            self.confirm_replace(there, lambda: start(True))
        else:
            start(False)

    def replace_warning(self) -> str:
        return (
            "A replaced key is lost for good, and with it the certificate issued for it: "
            "replace it only if that certificate is not in use."
        )

    def _make(
        self,
        details: RequestDetails,
        choice: KeyChoice,
        files: RequestFiles,
        passphrase: bytes,
        overwrite: bool,
    ) -> Made:
        """In the worker's thread: the key (the slow part), the CSR, both files."""
        from sevis_tui.cert.request import (
            build_csr,
            csr_pem,
            encrypted_key_pem,
            new_private_key,
            next_steps,
            summarize,
        )
        from sevis_tui.cert.trust import vendor_list
        from sevis_tui.storage.certificate_files import write_error, write_request

        key = new_private_key(choice)
        csr = build_csr(key, details)
        request = csr_pem(csr)
        try:
            write_request(files, encrypted_key_pem(key, passphrase), request, overwrite=overwrite)
        except OSError as error:
            raise JobFailed(write_error(error), field="folder") from None
        summary = summarize(csr)
        vendors = vendor_list(self.sevis.get_policy().accepted_issuers)
        assemble = "Assemble the batch client's PKCS#12, in the palette (Ctrl+P)"
        steps = next_steps(files.csr.name, files.key.name, vendors, assemble)
        return Made(
            files, summary.subject, summary.key, summary.sha256, request.decode("ascii"), steps
        )

    def _made(self, made: Made) -> None:
        self.sevis.remember(last_folder=str(made.files.key.parent))
        self.message.show(
            f"Wrote {made.files.key.name} and {made.files.csr.name}.",
            "Paste the request shown below into your vendor's order form.",
            tone="info",
        )
        parts: list[RenderableType] = [
            field_grid(
                [
                    ("Private key", f"{made.files.key} (encrypted with AES-256, mode 600)"),
                    ("Request (CSR)", str(made.files.csr)),
                    ("Subject", made.subject),
                    ("Key", made.key),
                    ("SHA-256", made.sha256),
                ]
            ),
            Text("\nWhat to do next", style="bold"),
        ]
        for number, step in enumerate(made.steps, start=1):
            parts.append(Hanging(Text(f"{number}. {step}"), 3))
        parts.append(Text("\nThe request, to paste into the vendor's form:", style="bold"))
        parts.append(Text(made.csr.rstrip("\n")))
        self.show_result(parts)

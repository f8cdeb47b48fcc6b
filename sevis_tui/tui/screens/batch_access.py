"""Check Batch Access: will this key, this certificate and this user ID be accepted?

The officer chooses the batch client's PKCS#12 (.p12/.pfx) in the file browser and types its
password (masked, never stored). A worker opens the file, connects to the batch interface with
that key and certificate (mutual TLS) and asks `check` for this program and the logged-in user
ID. The screen then shows one verdict and what to do about it. Nothing is uploaded.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, Static

from sevis_tui.api.batch_client import BatchError
from sevis_tui.api.batch_verdict import Verdict, from_error, from_reply
from sevis_tui.cert.text_report import printable
from sevis_tui.tui.screens.base import SevisScreen, open_batch_client
from sevis_tui.tui.widgets.certificate_chooser import start_folder
from sevis_tui.tui.widgets.file_browser import FileBrowser
from sevis_tui.tui.widgets.key_line import KeyLine

KEY_FILES = (".p12", ".pfx")
MAX_KEY_FILE_BYTES = 1024 * 1024


class BatchAccessScreen(SevisScreen):
    LOCATION = "Check Batch Access"
    HELP = """
# Check Batch Access

Before the first batch: will the batch interface accept **this key**, **this certificate** and
**your user ID** for this program? Choose your batch client's PKCS#12 file (`.p12` or `.pfx`,
the one holding your private key) and type its password. The password opens the file on this
machine only; it is never stored or sent. The check connects with the key and certificate, as
your batch client will, and uploads nothing.

One verdict, with what to do: accepted; not the registered certificate (both fingerprints and
the date of the registration are shown); key and certificate do not match; user ID inactive
(log in at least every 45 days) or locked; not an official of the program; or the TLS handshake
refused the certificate (its issuer is not accepted).

- **Enter** on a file checks it (after its password).
- {key:access.again} checks the same file again; {key:access.browse} chooses another file.
- {key:screen.back} returns.
"""

    BINDINGS = [
        Binding("c", "check_again", "Check again", id="access.again"),
        Binding("b", "browse", "Choose another file", id="access.browse"),
    ]

    DEFAULT_CSS = """
    BatchAccessScreen #access-line { padding: 0 1; height: 1; color: $text-muted; }
    BatchAccessScreen ContentSwitcher { height: 1fr; }
    BatchAccessScreen #verdict-view { height: 1fr; padding: 0 1; }
    """

    class Judged(Message):
        def __init__(self, verdict: Verdict) -> None:
            super().__init__()
            self.verdict = verdict

    class WrongPassword(Message):
        def __init__(self, problem: str) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self, number: str, program_name: str) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        self.path: Path | None = None
        self.verdict: Verdict | None = None
        self.checking = False

    @property
    def user_id(self) -> str:
        login = self.sevis.login
        return login.user_id if login is not None else ""

    def compose(self) -> ComposeResult:
        settings = self.sevis.settings
        yield from self.compose_top()
        line = f"{self.number} · user ID {self.user_id} · {self.program_name}"
        yield Static(line, id="access-line", markup=False)
        with ContentSwitcher(initial="access-browser"):
            yield FileBrowser(
                start_folder(settings.browser.start_folder, self.sevis.state.last_folder),
                extensions=KEY_FILES,
                show_hidden=settings.browser.show_hidden,
                certificates_only=True,
                noun="PKCS#12 file",
                id="access-browser",
            )
            with VerticalScroll(id="verdict-view", classes="pane"):
                yield Static(id="verdict")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one(FileBrowser).focus()
        self.message.show(
            "Choose your batch client's .p12 or .pfx file and press Enter.", tone="info"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"check_again", "browse"}:
            return self.verdict is not None and not self.checking
        return True

    # ------------------------------------------------------------------ choosing

    def on_file_browser_file_chosen(self, event: FileBrowser.FileChosen) -> None:
        event.stop()
        if self.checking:
            return
        self.path = event.path
        self.ask_password()

    def ask_password(self, wrong: bool = False) -> None:
        # The PKCS#12 password dialog of the upload (tui/dialogs/p12_password.py): masked, never
        # stored, handed over as a bytearray that is wiped after use.
        from sevis_tui.tui.dialogs.p12_password import PasswordDialog

        if self.path is None:
            return
        self.app.push_screen(PasswordDialog(self.path.name, wrong=wrong), self._typed)

    def _typed(self, password: bytearray | None) -> None:
        if password is None:
            self.message.show("Check cancelled.", "Choose a file and press Enter.", tone="info")
            return
        self.checking = True
        self.message.show("Checking… (connecting with this key)", tone="working")
        self.refresh_bindings()
        self.run_worker(self._check(password), group="access-check", exclusive=True)

    async def _check(self, password: bytearray) -> None:
        path, presented = self.path, ""
        assert path is not None
        try:
            try:
                data = await asyncio.to_thread(_read, path)
            except BaseException:
                password[:] = b"\0" * len(password)
                raise
            client, identity = await open_batch_client(self.sevis, data, password, path.name)
            presented = identity.sha256
            async with client:
                reply = await client.check(self.number, self.user_id)
            self.post_message(self.Judged(from_reply(reply, presented)))
        except BatchError as error:
            if error.code == "wrong_password":
                self.post_message(self.WrongPassword(error.message))
            else:
                self.post_message(self.Judged(from_error(error, presented)))

    def on_batch_access_screen_wrong_password(self, event: WrongPassword) -> None:
        self.checking = False
        self.message.show(event.problem, "Type the password again.")
        self.refresh_bindings()
        self.ask_password(wrong=True)

    def on_batch_access_screen_judged(self, event: Judged) -> None:
        self.checking = False
        self.sevis.touch()
        verdict = event.verdict
        self.verdict = verdict
        self.query_one("#verdict", Static).update(verdict_text(verdict, self.path))
        self.query_one(ContentSwitcher).current = "verdict-view"
        self.query_one("#verdict-view").focus()
        if verdict.accepted:
            self.message.show(verdict.headline + ".", "Press b to check another file.", tone="info")
        else:
            self.message.show(verdict.headline + ".", "What to do is below.")
        self.refresh_bindings()

    def action_check_again(self) -> None:
        if self.verdict is not None and not self.checking:
            self.ask_password()

    def action_browse(self) -> None:
        if self.checking:
            return
        self.verdict = None
        self.message.clear()
        self.query_one(ContentSwitcher).current = "access-browser"
        browser = self.query_one(FileBrowser)
        if browser.filter_open:  # as in the upload's browser: the whole folder again
            browser.action_clear_filter()
        browser.focus()
        self.refresh_bindings()


def _read(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise BatchError(
            f"Cannot read {path.name}: {error.strerror}.",
            "Check the file is there and readable, then choose it again.",
            code="unreadable",
        ) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise BatchError(
            f"{path.name} is larger than 1 MiB: it is not a batch client's PKCS#12 file.",
            "Choose the .p12/.pfx file that holds your key and certificate.",
            code="unreadable",
        )
    return data


def verdict_text(verdict: Verdict, path: Path | None) -> Text:
    mark = "ACCEPTED" if verdict.accepted else "REFUSED"
    text = Text()
    text.append(f"{mark}  ", style="bold reverse " + ("green" if verdict.accepted else "red"))
    text.append(verdict.headline + "\n\n", style="bold")
    if path is not None:
        text.append(f"{'File':<26}", style="bold")
        text.append(printable(path.name) + "\n")
    for label, value in verdict.facts:
        if not value:
            continue
        text.append(f"{label:<26}", style="bold")
        # A fingerprint does not fit beside its label at 80 columns: it goes below, whole.
        text.append(("\n  " if len(value) > 50 else "") + printable(value) + "\n")
    text.append("\n" + printable(verdict.message) + "\n\n")
    text.append("What to do: ", style="bold")
    text.append(printable(verdict.remedy) + "\n")
    return text

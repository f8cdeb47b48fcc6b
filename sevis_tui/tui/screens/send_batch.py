"""Send a Batch File: choose the XML (previewed with its offline check), then the batch
client's .p12 and its password; upload over mutual TLS; then each record's result.

Nothing is sent unless the file passes the offline check (the same as `sevis-tui batch
validate`). The upload uses the file's own BatchHeader/BatchID. When the batch interface has
processed the file, its transaction log is downloaded and shown: one row per record, the
failed ones first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Static

from sevis_tui.api.batch_client import BatchError, BatchReply
from sevis_tui.cert.binary import looks_like_pkcs12
from sevis_tui.cert.text_report import printable
from sevis_tui.sevis_batch.check import BatchCheck, Expected, check_bytes, read_file
from sevis_tui.sevis_batch.translog import ReadLog, RecordResult, read_log
from sevis_tui.storage.certificate_files import UnreadableInput, read_input
from sevis_tui.tui.screens.base import SevisScreen, open_batch_client
from sevis_tui.tui.widgets.batch_preview import BatchPreview
from sevis_tui.tui.widgets.certificate_chooser import start_folder
from sevis_tui.tui.widgets.file_browser import FileBrowser
from sevis_tui.tui.widgets.key_line import KeyLine

XML_FILES = (".xml",)
KEY_FILES = (".p12", ".pfx")
MAX_KEY_FILE_BYTES = 1024 * 1024
SIDE_BY_SIDE_FROM = 100  # under this width the preview goes below the list
CHOOSE_XML = "Choose the batch XML file and press Enter."


@dataclass
class Outcome:
    """What came back: the refusal of the upload, or the transaction log."""

    reply: BatchReply | None = None
    log: ReadLog | None = None
    problem: str = ""  # the client could not send (unreachable, wrong key, ...)


class SendBatchScreen(SevisScreen):
    LOCATION = "Send a Batch File"
    HELP = """
# Send a Batch File

Send an Exchange Visitor batch file to the batch interface, as your batch client would.

1. Choose the batch **XML file**: the preview checks each file as you move (the SEVIS 6.27
   schema and the batch interface's rules, offline; nothing is sent). Only a file with no
   problem can be chosen.
2. Choose your batch client's **PKCS#12** file (`.p12`/`.pfx`) and type its password (used on
   this machine only, never stored).
3. The file is uploaded with its own batch ID; its transaction log is then read back: one row
   per record, the **failed ones first**, with SEVIS's error code and message. Under the table,
   the whole result of the record under the cursor (arrows move).

A batch ID is used once: to send a file again, give it a new BatchHeader/BatchID (or use
`sevis-tui batch upload --new-batch-id`).

- {key:send.browse} chooses another XML file.
- {key:screen.back} returns.
"""

    BINDINGS = [Binding("b", "browse", "Another file", id="send.browse")]

    DEFAULT_CSS = """
    SendBatchScreen #send-line { padding: 0 1; height: 1; color: $text-muted; }
    SendBatchScreen ContentSwitcher { height: 1fr; }
    SendBatchScreen #xml-view { layout: horizontal; height: 1fr; }
    SendBatchScreen #xml-view FileBrowser { width: 1fr; height: 1fr; }
    SendBatchScreen #preview-box {
        width: 46; height: 1fr; border-left: tall $primary; overflow-y: auto;
    }
    SendBatchScreen #xml-view.-narrow { layout: vertical; }
    SendBatchScreen #xml-view.-narrow #preview-box {
        width: 1fr; height: 7; border-left: none; border-top: tall $primary;
    }
    SendBatchScreen #results-view { height: 1fr; }
    SendBatchScreen #results-head { padding: 0 1; height: auto; }
    SendBatchScreen #results { height: 1fr; }
    SendBatchScreen #result-detail { padding: 0 1; height: auto; max-height: 4; }
    """

    class Checked(Message):
        def __init__(self, path: Path, data: bytes, checked: BatchCheck) -> None:
            super().__init__()
            self.path, self.data, self.checked = path, data, checked

    class KeyRead(Message):
        def __init__(self, path: Path, data: bytes, problem: str = "") -> None:
            super().__init__()
            self.path, self.data, self.problem = path, data, problem

    class Done(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, number: str, program_name: str) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        self.xml: bytes = b""
        self.xml_path: Path | None = None
        self.batch_id = ""
        self.key_path: Path | None = None
        self.key_data = b""
        self.sending = False
        self.results: list[RecordResult] = []

    @property
    def user_id(self) -> str:
        login = self.sevis.login
        return login.user_id if login is not None else ""

    def compose(self) -> ComposeResult:
        browser = self.sevis.settings.browser
        folder = start_folder(browser.start_folder, self.sevis.state.last_folder)
        yield from self.compose_top()
        line = f"{self.number} · user ID {self.user_id} · {self.program_name}"
        yield Static(line, id="send-line", markup=False)
        with ContentSwitcher(initial="xml-view"):
            with Container(id="xml-view"):
                yield FileBrowser(
                    folder, extensions=XML_FILES, noun="batch XML file", id="xml-browser"
                )
                with VerticalScroll(id="preview-box"):
                    yield BatchPreview(Expected(self.number, self.user_id), id="preview")
            yield FileBrowser(
                folder,
                extensions=KEY_FILES,
                certificates_only=True,
                noun="PKCS#12 file",
                id="key-browser",
            )
            with Container(id="results-view"):
                yield Static(id="results-head")
                yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
                yield Static(id="result-detail")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one("#xml-browser", FileBrowser).focus()
        self.message.show(CHOOSE_XML, tone="info")

    def on_resize(self) -> None:
        narrow = self.size.width < SIDE_BY_SIDE_FROM
        self.query_one("#xml-view").set_class(narrow, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "browse":
            return self.query_one(ContentSwitcher).current != "xml-view" and not self.sending
        return True

    # ------------------------------------------------------------------ the XML file

    def on_file_browser_highlighted(self, event: FileBrowser.Highlighted) -> None:
        if event.browser.id == "xml-browser":
            self.query_one(BatchPreview).preview(event.path, event.kind)

    def on_file_browser_file_chosen(self, event: FileBrowser.FileChosen) -> None:
        event.stop()
        if self.sending:
            return
        if event.browser.id == "xml-browser":
            self.message.show(f"Checking {event.path.name}…", tone="working")
            self.check_xml(event.path)
        else:
            self.read_key(event.path)

    @work(thread=True, exclusive=True, group="send-check")
    def check_xml(self, path: Path) -> None:
        data = read_file(path)
        if isinstance(data, BatchCheck):
            self.post_message(self.Checked(path, b"", data))
            return
        self.post_message(self.Checked(path, data, check_bytes(data, self.expected)))

    @property
    def expected(self) -> Expected:
        return Expected(program=self.number, user_id=self.user_id)

    def on_send_batch_screen_checked(self, event: Checked) -> None:
        checked = event.checked
        if not checked.valid:
            count = len(checked.findings) + checked.more
            self.query_one(BatchPreview).show_all(event.path, checked)
            self.message.show(
                f"{event.path.name} has {count} problem{'s' if count != 1 else ''}; nothing "
                "was sent.",
                "The preview lists them (Tab scrolls it); fix the file, then choose it again.",
            )
            return
        self.xml, self.xml_path, self.batch_id = event.data, event.path, checked.batch_id
        self.query_one(ContentSwitcher).current = "key-browser"
        self.query_one("#key-browser", FileBrowser).focus()
        self.message.show(
            f"{checked.summary()} Now choose your batch client's .p12 or .pfx file.", tone="info"
        )
        self.refresh_bindings()

    # ------------------------------------------------------------------ sending

    @work(thread=True, exclusive=True, group="send-key")
    def read_key(self, path: Path) -> None:
        """Read the chosen key file; one that is no PKCS#12 is refused before any password."""
        try:
            data = read_input(path, "PKCS#12", MAX_KEY_FILE_BYTES)
        except UnreadableInput as error:
            self.post_message(self.KeyRead(path, b"", str(error)))
            return
        problem = "" if looks_like_pkcs12(data) else "no PKCS#12"
        self.post_message(self.KeyRead(path, data, problem))

    def on_send_batch_screen_key_read(self, event: KeyRead) -> None:
        if event.problem == "no PKCS#12":
            self.message.show(
                f"{event.path.name} is not a PKCS#12 (.p12/.pfx) file: it holds no key to "
                "send with.",
                "Choose the .p12 or .pfx file that holds your batch client's key and certificate.",
            )
        elif event.problem:
            self.message.show(event.problem)
        else:
            self.key_path, self.key_data = event.path, event.data
            self.ask_password()

    def ask_password(self, wrong: bool = False) -> None:
        from sevis_tui.tui.dialogs.p12_password import PasswordDialog

        if self.key_path is not None:
            self.app.push_screen(PasswordDialog(self.key_path.name, wrong=wrong), self._typed)

    def _typed(self, password: bytearray | None) -> None:
        if password is None:
            self.message.show("Nothing was sent.", "Choose the .p12 file again.", tone="info")
            return
        self.sending = True
        self.message.show(f"Sending batch {self.batch_id}…", tone="working")
        self.refresh_bindings()
        self.run_worker(self._send(password), group="send-batch", exclusive=True)

    async def _send(self, password: bytearray) -> None:
        path, xml_path = self.key_path, self.xml_path
        assert path is not None and xml_path is not None
        try:
            client, _identity = await open_batch_client(
                self.sevis, self.key_data, password, path.name
            )
            async with client:
                reply = await client.upload(
                    self.number, self.user_id, self.xml, xml_path.name, self.batch_id
                )
                if not reply.accepted:
                    self.post_message(self.Done(Outcome(reply=reply)))
                    return
                archive = await client.download(self.number, self.user_id, self.batch_id)
            if isinstance(archive, bytes):
                self.post_message(self.Done(Outcome(log=read_log(archive))))
            else:
                self.post_message(self.Done(Outcome(reply=archive)))
        except BatchError as error:
            if error.code == "wrong_password":
                self.post_message(self.Done(Outcome(problem="wrong_password")))
            else:
                self.post_message(self.Done(Outcome(problem=f"{error.message} {error.remedy}")))

    def on_send_batch_screen_done(self, event: Done) -> None:
        self.sending = False
        self.sevis.touch()
        outcome = event.outcome
        if outcome.problem == "wrong_password":
            self.message.show("The password does not open the file.", "Type it again.")
            self.ask_password(wrong=True)
            return
        if outcome.problem:
            self.message.show(outcome.problem)
            self.refresh_bindings()
            return
        self.show_results(outcome)
        self.refresh_bindings()

    # ------------------------------------------------------------------ results

    def show_results(self, outcome: Outcome) -> None:
        table = self.query_one("#results", DataTable)
        self.results = []
        table.clear(columns=True)
        head = self.query_one("#results-head", Static)
        self.query_one(ContentSwitcher).current = "results-view"
        if outcome.reply is not None:
            reply = outcome.reply
            text = Text(f"REFUSED  {reply.code} {reply.reason}\n", style="bold red")
            text.append(printable(reply.message) + "\n")
            for finding in reply.findings[:20]:
                text.append("• " + printable(finding.get("message", "")) + "\n")
            text.append("What to do: ", style="bold")
            text.append(printable(reply.remedy))
            head.update(text)
            self.query_one("#result-detail", Static).update("")
            self.message.show(f"Refused: {printable(reply.message)}", reply.remedy)
            table.focus()
            return
        assert outcome.log is not None and outcome.log.log is not None
        log = outcome.log.log
        failed = log.failures
        total = len(log.results)
        text = Text(
            f"Batch {log.batch_id}: {total} records, {total - failed} succeeded, {failed} "
            "failed.\n",
            style="bold",
        )
        for problem in outcome.log.problems[:3]:
            text.append(f"The log does not match SevisTransLog.xsd: {problem}\n", style="red")
        head.update(text)
        table.add_columns("Result", "requestID", "SEVIS ID", "Error")
        self.results = sorted(log.results, key=lambda r: r.success)  # failed first, stable
        for result in self.results:
            table.add_row(
                Text("failed", style="bold red") if not result.success else Text("ok"),
                printable(result.request_id),
                result.sevis_id or "-",
                printable(f"{result.error_code} {result.error_message}".strip()),
            )
        table.focus()
        if failed:
            self.message.show(
                f"{failed} of {total} records failed; the others were processed.",
                "Fix the failed records and send them in a new batch.",
            )
        else:
            self.message.show(f"All {total} records were processed.", tone="info")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole result of the record under the cursor: the Error column is cut at 80."""
        if event.data_table.id != "results" or not 0 <= event.cursor_row < len(self.results):
            return
        result = self.results[event.cursor_row]
        text = Text(f"requestID {printable(result.request_id)}: ", style="bold")
        if result.success:
            text.append(f"processed, SEVIS ID {result.sevis_id or '-'}.")
        else:
            text.append(f"failed, {result.error_code}", style="bold red")
            text.append(" " + printable(result.error_message))
        self.query_one("#result-detail", Static).update(text)

    def action_browse(self) -> None:
        if self.sending:
            return
        self.message.show(CHOOSE_XML, tone="info")
        self.query_one(ContentSwitcher).current = "xml-view"
        self.query_one("#xml-browser", FileBrowser).focus()
        self.refresh_bindings()

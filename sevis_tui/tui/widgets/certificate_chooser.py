"""Browse to a certificate file, then read its full offline report: the Browse step of SEVIS.

Two views in one widget: the file browser with its preview, and the full report of the chosen
file. Used by the Upload Certificate screen and by offline inspection. A password-protected
PKCS#12 (.p12/.pfx) asks for its password in a masked dialog, then is checked with it; the
password is wiped once the check has used it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Self

from textual import work
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from sevis_tui.cert import FileReport, Policy, inspect_path
from sevis_tui.settings.config import Settings
from sevis_tui.tui.key_order import KeyHold, hold_keys
from sevis_tui.tui.widgets.file_browser import FileBrowser
from sevis_tui.tui.widgets.file_preview import FilePreview
from sevis_tui.tui.widgets.path_bar import home_relative
from sevis_tui.tui.widgets.report_view import ReportView, safe


def start_folder(configured: str, remembered: str) -> Path:
    for candidate in (configured, remembered):
        if candidate:
            path = Path(candidate).expanduser()
            if path.is_dir():
                return path
    return Path.home()


# How long keys typed ahead wait for the chosen file's check (a file on a mount that hangs).
CHECK_HOLD_SECONDS = 10.0
# Under this width the preview goes below the list instead of beside it.
SIDE_BY_SIDE_FROM = 100


class CertificateChooser(Widget):
    """Posts Inspected(path, report) when a chosen file has been checked."""

    DEFAULT_CSS = """
    CertificateChooser { height: 1fr; }
    CertificateChooser ContentSwitcher { height: 1fr; }
    CertificateChooser #browse-view { layout: horizontal; height: 1fr; }
    CertificateChooser #browse-view FileBrowser { width: 1fr; height: 1fr; }
    CertificateChooser #preview-box {
        width: 46; height: 1fr; border-left: tall $primary; overflow-y: auto;
    }
    CertificateChooser #browse-view.-narrow { layout: vertical; }
    CertificateChooser #browse-view.-narrow #preview-box {
        width: 1fr; height: 9; border-left: none; border-top: tall $primary;
    }
    CertificateChooser #report-view { height: 1fr; border: round $primary; padding: 0 1; }
    CertificateChooser #report-view:focus { border: round $accent; }
    """

    class Inspected(Message):
        def __init__(self, path: str, report: FileReport) -> None:
            super().__init__()
            self.path = path
            self.report = report

    class Checked(Message):
        """A check finished; the chooser decides whether a password is needed first."""

        def __init__(self, path: Path, report: FileReport, with_password: bool) -> None:
            super().__init__()
            self.path = path
            self.report = report
            self.with_password = with_password

    class PasswordNeeded(Message):
        """A .p12 needs its password: the screen asks for it (a dialog) and calls `answer`.

        The chooser does not open the dialog itself: a widget never imports a screen.
        """

        def __init__(
            self, file_name: str, wrong: bool, answer: Callable[[bytearray | None], None]
        ) -> None:
            super().__init__()
            self.file_name = file_name
            self.wrong = wrong
            self.answer = answer

    def __init__(
        self,
        *,
        start_folder: Path,
        extensions: tuple[str, ...],
        show_hidden: bool,
        policy: Callable[[], Policy],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.start_folder = start_folder
        self.extensions = extensions
        self.show_hidden = show_hidden
        self.policy = policy
        self.chosen: str | None = None
        self.report: FileReport | None = None
        # Keys typed ahead (u to upload) wait for the chosen file's report (tui/key_order.py).
        self._key_hold: KeyHold | None = None

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="browse-view"):
            with Container(id="browse-view"):
                yield FileBrowser(
                    self.start_folder,
                    extensions=self.extensions,
                    show_hidden=self.show_hidden,
                )
                with VerticalScroll(id="preview-box"):
                    yield FilePreview(self.policy, id="preview")
            with VerticalScroll(id="report-view"):
                yield Static("", id="report-heading")
                yield ReportView(id="report")

    def on_resize(self) -> None:
        narrow = self.size.width < SIDE_BY_SIDE_FROM
        self.query_one("#browse-view").set_class(narrow, "-narrow")

    def on_file_browser_highlighted(self, event: FileBrowser.Highlighted) -> None:
        self.query_one(FilePreview).preview(event.path, event.kind)

    @classmethod
    def for_app(cls, settings: Settings, last_folder: str, policy: Callable[[], Policy]) -> Self:
        """The configured start folder, else the remembered one, else home."""
        browser = settings.browser
        return cls(
            start_folder=start_folder(browser.start_folder, last_folder),
            extensions=browser.extensions,
            show_hidden=browser.show_hidden,
            policy=policy,
            id="chooser",
        )

    @property
    def showing_report(self) -> bool:
        return self.query_one(ContentSwitcher).current == "report-view"

    def show_browser(self) -> None:
        """Back to the files: the whole folder, the cursor on the file chosen last. The name
        typed to find that file is cleared: kept, the next name typed was added to it
        (`unacc` + `self`) and matched nothing."""
        self.query_one(ContentSwitcher).current = "browse-view"
        browser = self.query_one(FileBrowser)
        if browser.filter_open:
            browser.action_clear_filter()
        browser.focus()

    def on_file_browser_file_chosen(self, event: FileBrowser.FileChosen) -> None:
        event.stop()
        self.chosen = os.fsdecode(event.path)
        self.query_one("#report-heading", Static).update(
            safe(f"Checking {home_relative(self.chosen)}…")
        )
        self._check(event.path)

    def _check(self, path: Path, password: bytearray | None = None) -> None:
        if self._key_hold is not None:
            self._key_hold.release()
        self._key_hold = hold_keys(self, limit=CHECK_HOLD_SECONDS)
        self.inspect(path, password)

    @work(thread=True, exclusive=True, group="inspect-chosen")
    def inspect(self, path: Path, password: bytearray | None = None) -> None:
        try:
            report = inspect_path(path, self.policy(), password=password)
        finally:
            if password is not None:
                password[:] = bytes(len(password))  # wipe it: used once, never kept
        self.post_message(self.Checked(path, report, password is not None))

    def on_certificate_chooser_checked(self, event: Checked) -> None:
        event.stop()
        codes = {found.code for found in event.report.findings}
        if "needs_password" in codes or (event.with_password and "wrong_password" in codes):
            self.ask_password(event.path, event.report, wrong=event.with_password)
        else:
            self.post_message(self.Inspected(os.fsdecode(event.path), event.report))
        if self._key_hold is not None:
            # Keys go on once the report is shown, or to the password dialog.
            self._key_hold.release()
            self._key_hold = None

    def ask_password(self, path: Path, report: FileReport, *, wrong: bool) -> None:
        """Ask the screen for the password; None (Escape) shows the report of the file as read."""

        def answered(secret: bytearray | None) -> None:
            if secret is None:
                self.post_message(self.Inspected(os.fsdecode(path), report))
                return
            self.query_one("#report-heading", Static).update(safe(f"Opening {os.fsdecode(path)}…"))
            self._check(path, secret)

        self.post_message(self.PasswordNeeded(os.fsdecode(path.name), wrong, answered))

    def on_certificate_chooser_inspected(self, event: Inspected) -> None:
        # Show the report here, then let the event bubble on to the screen.
        self.report = event.report
        self.query_one("#report-heading", Static).update(safe(f"File: {home_relative(event.path)}"))
        self.query_one(ReportView).show(event.report)
        self.query_one(ContentSwitcher).current = "report-view"
        view = self.query_one("#report-view", VerticalScroll)
        # A new report starts at its top, not where the last one was left (past its errors).
        view.scroll_home(animate=False, immediate=True)
        view.focus()

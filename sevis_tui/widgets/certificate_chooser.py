"""Browse to a certificate file, then read its full offline report: the Browse step of SEVIS.

Two views in one widget: the file browser with its preview, and the full report of the chosen
file. Used by the Upload Certificate screen and by offline inspection.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from sevis_tui.cert import FileReport, Policy, inspect_path
from sevis_tui.widgets.browser_with_preview import BrowserWithPreview
from sevis_tui.widgets.cert_report import CertReport
from sevis_tui.widgets.file_browser import FileBrowser


class CertificateChooser(Widget):
    """Posts Inspected(path, report) when a chosen file has been checked."""

    DEFAULT_CSS = """
    CertificateChooser { height: 1fr; }
    CertificateChooser ContentSwitcher { height: 1fr; }
    CertificateChooser #report-view { height: 1fr; border: round $primary; padding: 0 1; }
    CertificateChooser #report-view:focus { border: round $accent; }
    """

    class Inspected(Message):
        def __init__(self, path: str, report: FileReport) -> None:
            super().__init__()
            self.path = path
            self.report = report

    class FolderChanged(Message):
        def __init__(self, folder: str) -> None:
            super().__init__()
            self.folder = folder

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

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="browse-view"):
            yield BrowserWithPreview(
                start_folder=self.start_folder,
                extensions=self.extensions,
                show_hidden=self.show_hidden,
                policy=self.policy,
                id="browse-view",
            )
            with VerticalScroll(id="report-view"):
                yield Static("", id="report-heading", markup=False)
                yield CertReport(id="report")

    @property
    def showing_report(self) -> bool:
        return self.query_one(ContentSwitcher).current == "report-view"

    def show_browser(self) -> None:
        self.query_one(ContentSwitcher).current = "browse-view"
        self.query_one(FileBrowser).focus()

    def on_file_browser_file_chosen(self, event: FileBrowser.FileChosen) -> None:
        event.stop()
        self.chosen = os.fsdecode(event.path)
        self.query_one("#report-heading", Static).update(f"Checking {self.chosen}…")
        self.inspect(event.path)

    def on_file_browser_folder_changed(self, event: FileBrowser.FolderChanged) -> None:
        self.post_message(self.FolderChanged(os.fsdecode(event.path)))

    @work(thread=True, exclusive=True, group="inspect-chosen")
    def inspect(self, path: str | bytes) -> None:
        report = inspect_path(path, self.policy())
        self.post_message(self.Inspected(os.fsdecode(path), report))

    def on_certificate_chooser_inspected(self, event: Inspected) -> None:
        # Show the report here, then let the event bubble on to the screen.
        self.report = event.report
        self.query_one("#report-heading", Static).update(f"File: {event.path}")
        self.query_one(CertReport).show(event.report)
        self.query_one(ContentSwitcher).current = "report-view"
        self.query_one("#report-view").focus()

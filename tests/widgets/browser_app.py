"""A small app around FileBrowser that records the messages it posts, and helpers for it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.worker import WorkerCancelled

from sevis_tui.tui.widgets.file_browser import FileBrowser

PEM = b"-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"


class BrowserApp(App[None]):
    """FileBrowser with a footer; escape that reaches the app is counted as "back"."""

    BINDINGS = [Binding("escape", "go_back", "Back")]

    def __init__(self, folder: str | os.PathLike[str], **options: Any) -> None:
        super().__init__()
        self.folder = folder
        self.options = options
        self.messages: list[Message] = []
        self.backs = 0

    def compose(self) -> ComposeResult:
        yield FileBrowser(self.folder, **self.options)
        yield Footer()

    @property
    def browser(self) -> FileBrowser:
        return self.query_one(FileBrowser)

    def action_go_back(self) -> None:
        self.backs += 1

    def on_file_browser_file_chosen(self, message: FileBrowser.FileChosen) -> None:
        self.messages.append(message)

    def on_file_browser_highlighted(self, message: FileBrowser.Highlighted) -> None:
        self.messages.append(message)

    def on_file_browser_folder_changed(self, message: FileBrowser.FolderChanged) -> None:
        self.messages.append(message)

    def chosen(self) -> list[Path]:
        return [m.path for m in self.messages if isinstance(m, FileBrowser.FileChosen)]

    def folders(self) -> list[Path]:
        return [m.path for m in self.messages if isinstance(m, FileBrowser.FolderChanged)]

    def highlighted(self) -> list[Path | None]:
        return [m.path for m in self.messages if isinstance(m, FileBrowser.Highlighted)]

    def screen_text(self) -> str:
        return screen_text(self)

    def screen_words(self) -> str:
        return screen_words(self)

    def row_labels(self) -> list[str]:
        return [entry.label for entry in self.browser.file_list.rows]


async def wait_for_workers(app: App[Any]) -> None:
    """Wait for every worker; a cancelled one (stale work replaced by newer) is not a failure."""
    for _ in range(100):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        return


async def settle(app: BrowserApp, pilot: Pilot[None]) -> None:
    """Wait until the listing and its details have been read and drawn."""
    for _ in range(50):
        await wait_for_workers(app)
        await pilot.pause()
        browser = app.browser
        if not browser.reading and not browser.checking_contents:
            await wait_for_workers(app)
            await pilot.pause()
            if not browser.reading and not browser.checking_contents:
                return
    raise AssertionError("the browser did not settle")


def screen_text(app: App[Any]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def screen_words(app: App[Any]) -> str:
    """The screen with all runs of whitespace made one space (messages may wrap)."""
    return " ".join(screen_text(app).split())

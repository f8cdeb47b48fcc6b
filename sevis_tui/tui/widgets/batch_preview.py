"""The preview of a batch XML file: its offline check, as the cursor moves in the browser.

The same check as `sevis-tui batch validate` (sevis_batch.check), for the program and user ID
of the screen, in a thread worker; the last few files' checks are kept by (path, mtime, size).
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from pathlib import Path

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from sevis_tui.cert.text_report import printable
from sevis_tui.sevis_batch.check import BatchCheck, Expected, check_file

CACHE_SIZE = 32
SETTLE_SECONDS = 0.08  # as the certificate preview: a held arrow key checks only where it stops
SHOWN_FINDINGS = 4
Key = tuple[bytes, int, int]


def check_text(checked: BatchCheck, shown: int = SHOWN_FINDINGS) -> Text:
    """The summary, then the first `shown` findings (or "valid")."""
    text = Text(printable(checked.summary()) + "\n", style="bold")
    if checked.valid:
        text.append("Valid: passes the SEVIS 6.27 schema and the batch interface's rules.\n")
        text.append("Enter chooses it.", style="dim")
        return text
    count = len(checked.findings) + checked.more
    text.append(f"{count} problem{'s' if count != 1 else ''}:\n", style="red")
    for finding in checked.findings[:shown]:
        text.append("• " + printable(finding.message) + "\n")
    if count > shown:
        more = "not listed" if shown >= len(checked.findings) else "Enter lists them all"
        text.append(f"… and {count - shown} more ({more})\n", style="dim")
    return text


class BatchPreview(Static):
    """Call `preview(path, kind)` as the cursor moves; posts nothing outside itself."""

    DEFAULT_CSS = """
    BatchPreview { height: auto; padding: 0 1; }
    """

    class Ready(Message):
        def __init__(self, path: Path, key: Key, checked: BatchCheck) -> None:
            super().__init__()
            self.path = path
            self.key = key
            self.checked = checked

    def __init__(self, expected: Expected, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.expected = expected
        self.cache: OrderedDict[Key, BatchCheck] = OrderedDict()
        self.current: Path | None = None
        self.all_shown: Path | None = None  # the file chosen: all its findings are shown
        self.plain = ""  # the text shown once a file has been checked, for tests

    def preview(self, path: Path | None, kind: str = "file") -> None:
        self.current = path
        self.all_shown = None
        if path is None or kind != "file":
            self.plain = ""
            self.update(Text("Move to a batch XML file to check it.", style="dim"))
            self.workers.cancel_group(self, "batch-preview")
            return
        self.update(Text(f"Checking {printable(path.name)}…", style="dim"))
        self.check(path)

    def show_all(self, path: Path, checked: BatchCheck) -> None:
        """Every finding of the file chosen (Enter), not only the first few."""
        self.current = self.all_shown = path
        self.workers.cancel_group(self, "batch-preview")
        text = check_text(checked, shown=len(checked.findings))
        self.plain = text.plain
        self.update(text)

    @work(thread=True, exclusive=True, group="batch-preview")
    def check(self, path: Path) -> None:
        time.sleep(SETTLE_SECONDS)
        if get_current_worker().is_cancelled:
            return
        try:
            status = os.stat(path)
            key: Key = (os.fsencode(path), status.st_mtime_ns, status.st_size)
        except OSError:
            key = (os.fsencode(path), 0, 0)
        checked = self.cache.get(key) or check_file(path, self.expected)
        self.post_message(self.Ready(path, key, checked))

    def on_batch_preview_ready(self, event: Ready) -> None:
        event.stop()
        self.cache[event.key] = event.checked
        self.cache.move_to_end(event.key)
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        if event.path == self.current and event.path != self.all_shown:
            text = check_text(event.checked)
            self.plain = text.plain
            self.update(text)

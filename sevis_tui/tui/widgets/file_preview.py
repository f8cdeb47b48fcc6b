"""Preview beside the file list: as the cursor rests on a file, say what the certificate is.

The check runs in a thread worker (the newest request wins: older ones are cancelled), and
results are cached by path, modification time and size, so moving back and forth is instant.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from sevis_tui.cert import FileReport, Policy, inspect_path
from sevis_tui.cert.text_report import printable, verdict
from sevis_tui.text import formats
from sevis_tui.tui.widgets.wrapping import Hanging

CacheKey = tuple[bytes, int, int]
CACHE_SIZE = 256
SETTLE_SECONDS = 0.08


def preview_text(report: FileReport) -> list[Hanging]:
    """The preview's lines; a wrapped line continues under its text, not under its label.

    A protected PKCS#12 is not judged yet: its password is asked when it is opened, so the
    preview says a password is needed rather than "NOT OK: 1 error".
    """
    locked = any(found.code == "needs_password" for found in report.findings)
    other_errors = [found for found in report.errors if found.code != "needs_password"]
    if locked and not other_errors:
        said = Text("PASSWORD NEEDED", style="bold yellow")
    else:
        said = verdict(report)
    lines: list[Hanging] = [Hanging(Text.assemble(("Verdict  ", "bold"), said))]
    subject = report.subject
    if subject is not None:
        valid = f"{formats.day(subject.not_before)} to {formats.day(subject.not_after)}"
        left = f"{subject.days_left} days left" if subject.days_left >= 0 else "expired"
        for label, value in (
            ("Subject", subject.display_name),
            ("Issuer", subject.issuer_common_name or subject.issuer),
            ("Valid", f"{valid} ({left})"),
            ("Key", subject.key_description),
        ):
            line = Text(f"{label:<9}", style="bold")
            line.append(printable(value))
            lines.append(Hanging(line, 9))
    shown = [f for f in report.findings if f.severity != "info"] or list(report.findings)
    for found in shown[:6]:
        severity = "info" if found.code == "needs_password" else found.severity
        mark = {"error": "✗ ", "warning": "! "}.get(severity, "i ")
        style = {"error": "red", "warning": "yellow"}.get(severity, "")
        line = Text(mark, style=f"bold {style}")
        line.append(printable(found.message))
        lines.append(Hanging(line, 2))
    if locked:
        lines.append(Hanging(Text("Enter asks for its password", style="dim"), 0))
    elif len(shown) > 6:
        more = f"… and {len(shown) - 6} more: Enter shows the full report"
        lines.append(Hanging(Text(more, style="dim"), 0))
    else:
        lines.append(Hanging(Text("Enter shows the full report", style="dim"), 0))
    return lines


class FilePreview(Static):
    """Call `preview(path)` as the cursor moves; `preview(None)` clears it."""

    DEFAULT_CSS = """
    FilePreview { height: auto; padding: 0 1; }
    """

    class Ready(Message):
        def __init__(self, path: Path, key: CacheKey, report: FileReport) -> None:
            super().__init__()
            self.path = path
            self.key = key
            self.report = report

    def __init__(self, policy: Callable[[], Policy], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.policy = policy
        self.cache: OrderedDict[CacheKey, FileReport] = OrderedDict()
        self.current: Path | None = None
        self.plain = ""  # the text shown once a file has been checked, for tests

    def preview(self, path: Path | None, kind: str = "file") -> None:
        self.current = path
        if path is None or kind != "file":
            self.update(Text("Move to a file to see what it holds.", style="dim"))
            self.workers.cancel_group(self, "preview")
            return
        self.update(Text(f"Checking {printable(path.name)}…", style="dim"))
        self.check(path)

    @work(thread=True, exclusive=True, group="preview")
    def check(self, path: Path) -> None:
        # Holding an arrow key moves the cursor many rows a second: wait a moment, and check
        # only if the cursor is still here (a newer request cancels this worker).
        time.sleep(SETTLE_SECONDS)
        if get_current_worker().is_cancelled:
            return
        try:
            status = os.stat(path)
        except OSError:
            key: CacheKey = (os.fsencode(path), 0, 0)
        else:
            key = (os.fsencode(path), status.st_mtime_ns, status.st_size)
        report = self.cache.get(key) or inspect_path(path, self.policy())
        self.post_message(self.Ready(path, key, report))

    def on_file_preview_ready(self, event: Ready) -> None:
        event.stop()
        self.cache[event.key] = event.report
        self.cache.move_to_end(event.key)
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        if event.path == self.current:
            lines = preview_text(event.report)
            self.plain = "\n".join(line.text.plain for line in lines)
            self.update(Group(*lines))

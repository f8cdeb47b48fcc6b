"""Plain-text printouts (agreement, confirmation receipt) and safe file writing. No Textual."""

from __future__ import annotations

import contextlib
import os
import tempfile
import textwrap
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

WIDTH = 78


def write_text_file(path: Path, content: str) -> None:
    """Write via a temp file and rename, so a failure never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def safe_file_part(text: str) -> str:
    """A fragment usable in a file name (program numbers, confirmation numbers)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-") or "file"


def _wrap(paragraphs: str) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs.splitlines():
        if not paragraph.strip():
            lines.append("")
            continue
        indent = len(paragraph) - len(paragraph.lstrip())
        lines.extend(
            textwrap.wrap(
                paragraph.strip(),
                WIDTH,
                initial_indent=" " * indent,
                subsequent_indent=" " * (indent + 3 if indent else 0),
            )
        )
    return lines


def _header(title: str, fields: Iterable[tuple[str, str]]) -> list[str]:
    rows = list(fields)
    width = max((len(label) for label, _ in rows), default=0)
    return [title, "=" * min(len(title), WIDTH), *(f"{k:<{width}}  {v}" for k, v in rows), ""]


def agreement_printout(
    *,
    title: str,
    heading: str,
    version: str,
    text: str,
    program: str,
    officer: str,
    printed_at: datetime,
) -> str:
    lines = _header(
        title,
        [
            ("Document", heading),
            ("Version", version),
            ("Program", program),
            ("Officer", officer),
            ("Printed", printed_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ],
    )
    lines.extend(_wrap(text))
    lines.append("")
    return "\n".join(lines)


def receipt_printout(title: str, fields: Iterable[tuple[str, str]], warnings: Iterable[str]) -> str:
    lines = _header(title, fields)
    notes = list(warnings)
    if notes:
        lines.append("Warnings")
        lines.extend(f"- {line}" for line in notes)
        lines.append("")
    lines.append("Keep this receipt with your program's batch records.")
    lines.append("")
    return "\n".join(lines)

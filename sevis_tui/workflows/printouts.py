"""Plain-text printouts (agreement, confirmation receipt) and safe file writing. No Textual."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sevis_tui.storage.atomic import write_atomic
from sevis_tui.text import formats

WIDTH = 78


def write_text_file(path: Path, content: str) -> None:
    """Write via a temp file and rename, so a failure never leaves half a file behind."""
    # A printout is for reading and sharing: mode 0644, folders made with the usual umask.
    write_atomic(path, content.encode("utf-8"), 0o644, folder_mode=0o777)


def safe_file_part(text: str) -> str:
    """A fragment usable in a file name (program numbers, confirmation numbers)."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-") or "file"


_ITEM = re.compile(r"^(\s*)((?:[0-9]{1,2}|[a-z])\.|[-*•])\s+")


def reflow(text: str, width: int = WIDTH) -> str:
    """Re-wrap text whose lines were broken by hand, keeping list items with a hanging indent.

    A line that starts a list item ("a.", "1.", "-") starts a new item; other lines continue the
    item or paragraph before them. Blank lines separate paragraphs.
    """
    items: list[tuple[str, str, str]] = []  # (indent, marker, words)
    for line in text.splitlines():
        if not line.strip():
            items.append(("", "", ""))
            continue
        found = _ITEM.match(line)
        if found:
            items.append((found.group(1), found.group(2), line[found.end() :].strip()))
        elif items and items[-1][2]:
            indent, marker, words = items[-1]
            items[-1] = (indent, marker, f"{words} {line.strip()}")
        else:
            items.append(("", "", line.strip()))
    lines: list[str] = []
    for indent, marker, words in items:
        if not words:
            lines.append("")
            continue
        first = f"{indent}{marker} " if marker else indent
        lines.extend(
            textwrap.wrap(
                words,
                max(width, 20),
                initial_indent=first,
                subsequent_indent=" " * len(first),
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


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
            ("Printed", formats.minute_here(printed_at)),
        ],
    )
    lines.extend(reflow(text).splitlines())
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


def programs_receipt_printout(
    title: str, fields: Iterable[tuple[str, str]], programs: Iterable[tuple[str, str, str, str]]
) -> str:
    """A receipt for one certificate registered for several programs: the header, then each
    program (number, name, outcome, what to do), wrapped to the page width."""
    lines = _header(title, fields)
    for number, name, outcome, what in programs:
        lines.append(f"{number}  {name}".rstrip())
        for label, text in (("Outcome", outcome), ("What to do", what)):
            lines.extend(
                textwrap.wrap(
                    text,
                    WIDTH,
                    initial_indent=f"  {label}: ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )
        lines.append("")
    lines.append("Keep this receipt with your programs' batch records.")
    lines.append("")
    return "\n".join(lines)

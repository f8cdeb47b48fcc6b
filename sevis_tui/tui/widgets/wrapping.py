"""Wrapping for narrow terminals: continuation lines under their text, paths broken after a "/".

Rich wraps at spaces and cuts a long word (a path) wherever the line ends, and starts every
continuation line at column 1. Here a line keeps a hanging indent (so "ERROR   The certificate…"
continues under "The", not under "ERROR"), and a word too long for a line is broken after a path
separator when it has one.
"""

from __future__ import annotations

import re

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

_WORD = re.compile(r"\S+")
_LABEL = re.compile(r"^\s*\S+\s+")


def _split_word(word: str, room: int) -> int:
    """Where to break `word` to fit `room` cells: after its last "/" that fits (else ",", ":",
    "-", ".", "@", "=": names, fingerprints, addresses), else at `room`."""
    for separator in ("/", ",", ":", "-", ".", "@", "="):
        cut = word.rfind(separator, 0, room)
        if cut > 0:
            return cut + 1
    return max(1, room)


def _line_ranges(plain: str, width: int, indent: int) -> list[tuple[int, int]]:
    """(start, end) offsets of each line of one paragraph wrapped to `width`.

    The first line keeps the paragraph's leading spaces; the others start at their first word.
    """
    words = [match.span() for match in _WORD.finditer(plain)]
    ranges: list[tuple[int, int]] = []
    line_start, line_end, room = 0, -1, width
    index = 0
    while index < len(words):
        start, end = words[index]
        if line_end < 0:  # an empty line
            if ranges:
                line_start = start
            if end - line_start > room:  # a word longer than a line: break it
                cut = line_start + _split_word(plain[line_start:end], room)
                ranges.append((line_start, cut))
                words[index] = (cut, end)
                room = max(1, width - indent)
                continue
        if end - line_start <= room:
            line_end = end
            index += 1
            continue
        rest = line_end + 1 - line_start  # room left on this line after a space
        if end - start > width - indent and room - rest >= 8:
            # Too long for any line: start it here, broken where it fits (a path after "/").
            cut = start + _split_word(plain[start:end], room - rest)
            ranges.append((line_start, cut))
            words[index] = (cut, end)
            line_end, room = -1, max(1, width - indent)
            continue
        ranges.append((line_start, line_end))  # the word goes to the next line
        line_end, room = -1, max(1, width - indent)
    if line_end >= 0:
        ranges.append((line_start, line_end))
    return ranges or [(0, 0)]


def wrap_text(text: Text, width: int, indent: int = 0) -> Text:
    """`text` with line breaks for `width` cells; continuation lines start `indent` cells in."""
    width = max(1, width)
    indent = min(indent, width // 2)
    result = Text(style=text.style, end=text.end)
    for number, paragraph in enumerate(text.split("\n", allow_blank=True)):
        for line, (start, end) in enumerate(_line_ranges(paragraph.plain, width, indent)):
            if number or line:
                result.append("\n")
            if line:
                result.append(" " * indent)
            result.append_text(paragraph[start:end])
    return result


def label_indent(text: Text) -> int:
    """The column where a labelled line's text starts ("    ERROR   text": 12)."""
    match = _LABEL.match(text.plain)
    return match.end() if match else 0


class Hanging:
    """A Rich renderable: `text` wrapped at render width with a hanging indent."""

    def __init__(self, text: Text, indent: int | None = None) -> None:
        self.text = text
        self.indent = label_indent(text) if indent is None else indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield wrap_text(self.text, options.max_width, self.indent)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)

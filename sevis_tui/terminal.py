"""Glyphs the terminal can show; and the mouse reports the app asks for (terminal_driver.py).

The Linux console's 256- or 512-glyph fonts (Debian's console-setup Lat15, Lat2, Uni2, Uni3 in
Fixed, Terminus and VGA) have the box-drawing lines, arrows, "·", "…", "›", "✗", "▶", "■" and the
full block, but none of the block eighths (▊ ▔ ▁ …), the half blocks (▀ ▄ ▌ ▐), "◆" or "✓":
checked with `psfgettable` against each font's Unicode table (tests/e2e/fixtures holds Lat15's).
With TERM=linux those glyphs are swapped for ones the font has; when the locale is not UTF-8,
everything is written in ASCII. The swap happens in the driver, on the way out, so it covers
Textual's borders and Rich's ellipses as well as our own marks, and nothing else changes.

Only clicks and the wheel are asked of the mouse, never motion reports: see terminal_driver.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar, Literal

from rich.cells import cell_len
from textual.scrollbar import ScrollBarRender

GlyphMode = Literal["unicode", "console", "ascii"]

# Present in the console fonts: keep. Missing: the nearest glyph the fonts have, same width.
CONSOLE_GLYPHS: dict[str, str] = {
    **dict.fromkeys("▁▂▃▄▅▆▇▔▀", "─"),  # edges of tall, wide and thick borders
    **dict.fromkeys("▉▊▋▌▍▎▏▐▕", "│"),
    "▛": "┌",
    "▜": "┐",
    "▙": "└",
    "▟": "┘",
    "◆": "■",  # not ♦: the console draws unknown characters with the ♦ glyph
    "✓": "+",
    "⏎": "<",
    "⌫": "<",
    "●": "•",
}

ASCII_GLYPHS: dict[str, str] = {
    **dict.fromkeys("─━═┄┈╌▁▂▃▄▅▆▇▔▀", "-"),
    **dict.fromkeys("│┃║▉▊▋▌▍▎▏▐▕", "|"),
    **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╰╯┏┓┗┛╔╗╚╝▛▜▙▟", "+"),
    **dict.fromkeys("◆♦■▪●•█", "*"),
    "▶": ">",
    "›": ">",
    "»": ">",
    "«": "<",
    "·": "-",
    "…": ".",
    "✗": "x",
    "✓": "+",
    "↑": "^",
    "↓": "v",
    "→": ">",
    "←": "<",
    "⏎": "<",
    "⌫": "<",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "░": " ",
    "▒": "#",
    "▓": "#",
}

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def glyph_mode(environ: Mapping[str, str]) -> GlyphMode:
    """ "ascii" when the locale is not UTF-8, "console" on the Linux console, else "unicode"."""
    locale = next(
        (environ[name] for name in ("LC_ALL", "LC_CTYPE", "LANG") if environ.get(name)), ""
    )
    if not re.search(r"utf-?8", locale, re.IGNORECASE):
        return "ascii"
    if environ.get("TERM", "").startswith("linux"):
        return "console"
    return "unicode"


def _ascii_cell(match: re.Match[str]) -> str:
    character = match.group(0)
    return ASCII_GLYPHS.get(character) or "?" * max(1, cell_len(character))


def for_terminal(text: str, mode: GlyphMode) -> str:
    """`text` with every glyph the terminal cannot show replaced, cell for cell."""
    if mode == "unicode" or text.isascii():
        return text
    if mode == "console":
        return text.translate(_CONSOLE_TABLE)
    return _NOT_ASCII.sub(_ascii_cell, text)


_CONSOLE_TABLE = str.maketrans(CONSOLE_GLYPHS)


class WholeCellScrollBarRender(ScrollBarRender):
    """A scroll bar thumb in whole cells: its ends need no block eighths."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8

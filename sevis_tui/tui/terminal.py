"""Glyphs the terminal can show; and the mouse reports the app asks for (tui/terminal_driver.py).

The Linux console's 256- or 512-glyph fonts (Debian's console-setup Lat15, Lat2, Uni2, Uni3 in
Fixed, Terminus and VGA) have the box-drawing lines, arrows, "·", "…", "›", "▶", "■" and the
full block, but none of the block eighths (▊ ▔ ▁ …), the half blocks (▀ ▄ ▌ ▐), "◆", "✓" or an
emoji such as the command palette's "🔎": checked with `psfgettable` against each font's Unicode
table (tests/e2e/fixtures holds Lat15's). "✗" is there, but drawn as a plain "x": it is written
as one, so that what a terminal emulator with TERM=linux shows is what the console shows.
With TERM=linux those glyphs are swapped for ones the font has; when the locale is not UTF-8,
everything is written in ASCII. The swap happens in the driver, on the way out, so it covers
Textual's borders and Rich's ellipses as well as our own marks, and nothing else changes.

Only clicks and the wheel are asked of the mouse, never motion reports: see tui/terminal_driver.py.
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
    "✗": "x",  # the fonts draw it with the glyph of "x"
    "🔎": "> ",  # Textual's command palette: an emoji two cells wide, in no console font
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
    "🔎": "> ",
}

_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


# Python turns a C or POSIX locale into LC_CTYPE=C.UTF-8 for itself as it starts (PEP 538):
# that says nothing about what the terminal shows.
_COERCED = ("C.UTF-8", "C.utf8", "UTF-8")


def glyph_mode(environ: Mapping[str, str]) -> GlyphMode:
    """ "ascii" when the locale is not UTF-8, "console" on the Linux console, else "unicode"."""
    lang = environ.get("LANG", "")
    ctype = environ.get("LC_CTYPE", "")
    if not environ.get("LC_ALL") and ctype in _COERCED and lang.split(".")[0] in ("", "C", "POSIX"):
        ctype = ""  # set by Python, not by the officer
    locale = environ.get("LC_ALL") or ctype or lang
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


# ---------------------------------------------------------------------- fewer bytes per frame

# Textual writes each run of text as "ESC[<style>m text ESC[0m", also when the next run has the
# very same style, and sometimes with no text at all. `squeeze` writes the same frame with the
# style written only when the text that follows needs another one.
_TOKEN = re.compile(r"\x1b\[([0-9;?<=>]*)([ -/]*[@-~])|\x1b[^\[]?|\r?\n|[^\x1b\r\n]+|\r")
_CURSOR_MOVES = frozenset("ABCDEFGHfd")


def squeeze(data: str, style: str | None = None) -> tuple[str, str | None]:
    """`data` with redundant style changes left out; the terminal shows exactly the same.

    `style` is the style in force before `data` (SGR parameters after a reset, "" for none; None
    when not known); the second value returned is the style in force after it.
    """
    out: list[str] = []
    emitted: str | None = style  # the style in force (parameters after a reset); None: unknown
    wanted: str | None = style  # the style the next text must have; None: as emitted so far

    def flush() -> None:
        nonlocal emitted
        if wanted is not None and wanted != emitted:
            out.append(f"\x1b[0;{wanted}m" if wanted else "\x1b[0m")
            emitted = wanted

    for match in _TOKEN.finditer(data):
        token = match.group(0)
        final = match.group(2)
        if final == "m" and not match.group(1).startswith(("?", "<", "=", ">")):
            parameters = match.group(1)
            if parameters in ("", "0"):
                wanted = ""
            elif parameters.startswith("0;"):
                wanted = parameters[2:]
            elif wanted is not None:
                wanted = f"{wanted};{parameters}" if wanted else parameters
            else:
                out.append(token)  # relative to a style we do not know: keep it as it is
                emitted = None
            continue
        if (
            final is not None and final in _CURSOR_MOVES and not match.group(1).startswith("?")
        ) or token in ("\n", "\r\n"):
            out.append(token)  # moving the cursor does not depend on the style
            continue
        flush()
        out.append(token)
        private = match.group(1) is not None and match.group(1).startswith(("?", "<", "=", ">"))
        if not token.startswith("\x1b") or (final is not None and not private):
            continue  # text, or a sequence such as erasing that uses the style as it is
        # Another escape (saving the cursor with its style, a private mode): forget the style.
        emitted = wanted = None
    flush()
    return _ABSOLUTE_MOVE_AFTER_MOVE.sub(r"\1", "".join(out)), emitted


# A cursor move (or a new line) straight before an absolute one takes the cursor nowhere.
_ABSOLUTE_MOVE_AFTER_MOVE = re.compile(r"(?:\x1b\[[0-9;]*[HfG]|\r?\n)+(\x1b\[[0-9;]*[Hf])")

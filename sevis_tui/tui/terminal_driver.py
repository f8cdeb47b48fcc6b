"""Textual's Linux/macOS driver, with the mouse and glyph choices of tui/terminal.py applied.

Textual turns on any-motion tracking (`?1003h`), so merely moving the mouse over an SSH session
sends a stream of reports up the link. With the mouse allowed, only clicks and the wheel are
asked for (`?1000h`, in SGR coordinates `?1006h`); `--no-mouse` asks for nothing.
Imported only where Textual uses its Linux driver (termios).

Keys typed before the app starts (typed ahead over SSH, or sent with the command that starts it)
wait in the terminal, which still treats them as a line: it turned each Enter into a newline,
which Textual reads as Ctrl+J, and echoed them, a password too, onto the screen the officer
returns to on leaving. Those keys are read first, their newlines made Enter again (so that the
login typed ahead logs in), and their echo is erased.
"""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import tty
from typing import Any, ClassVar

from textual.drivers.linux_driver import LinuxDriver

from sevis_tui.tui.terminal import GlyphMode, WholeCellScrollBarRender, for_terminal, squeeze
from sevis_tui.tui.textual_compat import (
    ClicksAndWheelOnly,
    raw_mode_flags,
    terminal_events,
    terminal_output,
    terminal_width,
    use_scroll_bar_renderer,
)


class SevisDriver(ClicksAndWheelOnly, LinuxDriver):
    """Textual's Linux/macOS driver: clicks and the wheel only, glyphs that fit, fewer bytes."""

    glyphs: ClassVar[GlyphMode] = "unicode"
    # The style in force after the last write (see terminal.squeeze); unknown at the start.
    _style: str | None = None

    def start_application_mode(self) -> None:
        try:
            before: list[Any] | None = termios.tcgetattr(self.fileno)
        except termios.error:
            before = None
        typed = self._keys_typed_before_start()
        if typed and before is not None and before[tty.LFLAG] & termios.ECHO:
            self._erase_echo(typed)
        super().start_application_mode()  # type: ignore[no-untyped-call]
        if before is not None:
            self.attrs_before = before  # restored at exit: not the raw mode set above

    def _keys_typed_before_start(self) -> str:
        """Post the keys already waiting in the terminal, before the input thread reads on;
        return them as the terminal received them."""
        fd = self.fileno
        try:
            if not os.isatty(fd):
                return ""
            raw = termios.tcgetattr(fd)
            raw[tty.LFLAG], raw[tty.IFLAG] = raw_mode_flags(self, raw[tty.LFLAG], raw[tty.IFLAG])
            termios.tcsetattr(fd, termios.TCSANOW, raw)
            waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
            data = os.read(fd, waiting) if waiting > 0 else b""
        except (OSError, termios.error):
            return ""
        typed = data.decode("utf-8", errors="replace")
        # Received before raw mode: every Enter was turned into a newline (ICRNL).
        for event in terminal_events(typed.replace("\n", "\r")):
            self.process_message(event)
        return typed

    def _erase_echo(self, typed: str) -> None:
        """Erase what the terminal echoed of `typed` (written from the cursor, before the app
        drew anything): back to the row it began on, then to the end of the screen."""
        out = terminal_output(self)
        if out is None:
            return
        rows = echoed_rows(typed, terminal_width(self))
        out.write("\r" + (f"\x1b[{rows}A" if rows else "") + "\x1b[J")
        out.flush()

    def write(self, data: str) -> None:
        squeezed, self._style = squeeze(for_terminal(data, self.glyphs), self._style)
        super().write(squeezed)


def echoed_rows(typed: str, width: int) -> int:
    """How many rows below its first the terminal's echo of `typed` ended, from column 0: a
    newline starts a row, a tab goes to the next multiple of 8, a control character shows as
    two (^X), and a full row wraps."""
    row = column = 0
    for char in typed:
        if char == "\n":
            row, column = row + 1, 0
            continue
        if char == "\r":
            column = 0
            continue
        if char == "\t":
            column = min(column // 8 * 8 + 8, max(width - 1, 0))
            continue
        cells = 2 if ord(char) < 0x20 or ord(char) == 0x7F else 1
        for _ in range(cells):
            if column >= width:
                row, column = row + 1, 0
            column += 1
    return row


def driver_for(mode: GlyphMode) -> type[SevisDriver]:
    """The driver class for a terminal of `mode`; also makes scroll bars fit it."""
    if mode != "unicode":
        use_scroll_bar_renderer(WholeCellScrollBarRender)
    return type("SevisDriverFor" + mode.title(), (SevisDriver,), {"glyphs": mode})

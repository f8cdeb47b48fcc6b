"""Textual's Linux/macOS driver, with the mouse and glyph choices of terminal.py applied.

Textual turns on any-motion tracking (`?1003h`), so merely moving the mouse over an SSH session
sends a stream of reports up the link. With the mouse allowed, only clicks and the wheel are
asked for (`?1000h`, in SGR coordinates `?1006h`); `--no-mouse` asks for nothing.
Imported only where Textual uses its Linux driver (termios).

Keys typed before the app starts (typed ahead over SSH, or sent with the command that starts it)
wait in the terminal, which still treats them as a line: it turned each Enter into a newline,
which Textual reads as Ctrl+J. Those keys are read first and their newlines made Enter again,
so that the login typed ahead logs in.
"""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import tty
from typing import Any, ClassVar

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.scrollbar import ScrollBar

from sevis_tui.terminal import GlyphMode, WholeCellScrollBarRender, for_terminal, squeeze


class SevisDriver(LinuxDriver):
    """Textual's Linux/macOS driver: clicks and the wheel only, glyphs that fit, fewer bytes."""

    glyphs: ClassVar[GlyphMode] = "unicode"
    # The style in force after the last write (see terminal.squeeze); unknown at the start.
    _style: str | None = None

    def start_application_mode(self) -> None:
        try:
            before: list[Any] | None = termios.tcgetattr(self.fileno)
        except termios.error:
            before = None
        self._keys_typed_before_start()
        super().start_application_mode()  # type: ignore[no-untyped-call]
        if before is not None:
            self.attrs_before = before  # restored at exit: not the raw mode set above

    def _keys_typed_before_start(self) -> None:
        """Post the keys already waiting in the terminal, before the input thread reads on."""
        fd = self.fileno
        try:
            if not os.isatty(fd):
                return
            raw = termios.tcgetattr(fd)
            raw[tty.LFLAG] = self._patch_lflag(raw[tty.LFLAG])
            raw[tty.IFLAG] = self._patch_iflag(raw[tty.IFLAG])
            termios.tcsetattr(fd, termios.TCSANOW, raw)
            waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
            data = os.read(fd, waiting) if waiting > 0 else b""
        except (OSError, termios.error):
            return
        # Received before raw mode: every Enter was turned into a newline (ICRNL).
        text = data.decode("utf-8", errors="replace").replace("\n", "\r")
        for event in XTermParser().feed(text):
            self.process_message(event)

    def _enable_mouse_support(self) -> None:
        if not self._mouse:
            return
        self.write("\x1b[?1000h")  # clicks and the wheel (no motion, no drags)
        self.write("\x1b[?1006h")  # in SGR coordinates (any terminal width)
        self.flush()

    def _disable_mouse_support(self) -> None:
        if not self._mouse:
            return
        self.write("\x1b[?1000l")
        self.write("\x1b[?1006l")
        self.flush()

    def write(self, data: str) -> None:
        squeezed, self._style = squeeze(for_terminal(data, self.glyphs), self._style)
        super().write(squeezed)


def driver_for(mode: GlyphMode) -> type[SevisDriver]:
    """The driver class for a terminal of `mode`; also makes scroll bars fit it."""
    if mode != "unicode":
        ScrollBar.renderer = WholeCellScrollBarRender
    return type("SevisDriverFor" + mode.title(), (SevisDriver,), {"glyphs": mode})

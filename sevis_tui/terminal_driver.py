"""Textual's Linux/macOS driver, with the mouse and glyph choices of terminal.py applied.

Textual turns on any-motion tracking (`?1003h`), so merely moving the mouse over an SSH session
sends a stream of reports up the link. With the mouse allowed, only clicks and the wheel are
asked for (`?1000h`, in SGR coordinates `?1006h`); `--no-mouse` asks for nothing.
Imported only where Textual uses its Linux driver (termios).
"""

from __future__ import annotations

from typing import ClassVar

from textual.drivers.linux_driver import LinuxDriver
from textual.scrollbar import ScrollBar

from sevis_tui.terminal import GlyphMode, WholeCellScrollBarRender, for_terminal, squeeze


class SevisDriver(LinuxDriver):
    """Textual's Linux/macOS driver: clicks and the wheel only, glyphs that fit, fewer bytes."""

    glyphs: ClassVar[GlyphMode] = "unicode"
    # The style in force after the last write (see terminal.squeeze); unknown at the start.
    _style: str | None = None

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

"""Every part of Textual that is not its public API, used in one place (textual==8.2.8).

Each is here because Textual has no public way to do it; the comment says why we need it.
tests/app/test_textual_compat.py checks each against the installed Textual, so an upgrade
that renames or changes one fails there, by name, instead of somewhere in a key burst.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from textual.scrollbar import ScrollBar, ScrollBarRender

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.drivers.linux_driver import LinuxDriver as _DriverBase
    from textual.message import Message
    from textual.message_pump import MessagePump
else:
    _DriverBase = object  # LinuxDriver imports termios: imported only where it is used


def parse_action(
    app: App[Any],
    action: str | ActionParseResult,
    default_namespace: DOMNode,
    namespaces: Mapping[str, DOMNode] | None,
) -> tuple[DOMNode, str, tuple[object, ...]]:
    """App._parse_action: the node an action runs on, its name and parameters. The app asks
    `check_action` before running a key's action, to say why a dimmed key does nothing."""
    return app._parse_action(action, default_namespace, namespaces)


def parent_of(node: MessagePump) -> MessagePump | None:
    """MessagePump._parent: where a key bubbles next, up to the App (`DOMNode.parent` stops at
    the screen). Keys typed ahead follow their key up this way (tui/key_order.py)."""
    return node._parent


def declared_bindings(node: DOMNode) -> Iterator[Binding]:
    """DOMNode._bindings: every binding a node declares, also while it is not in the focus
    chain (`active_bindings` holds only that chain's); F1 and the key bar name keys from it."""
    for bindings in node._bindings.key_to_bindings.values():
        yield from bindings


def keymap(app: App[Any]) -> Mapping[str, str]:
    """App._keymap: what `set_keymap` was given, normalised (there is no public getter)."""
    found: Mapping[str, str] = app._keymap
    return found


def use_scroll_bar_renderer(renderer: type[ScrollBarRender]) -> None:
    """ScrollBar.renderer: documented, but a class attribute, so it changes every scroll bar in
    the process. Set once, before the app starts, for a terminal without the eighth blocks."""
    ScrollBar.renderer = renderer


class ClicksAndWheelOnly(_DriverBase):
    """LinuxDriver's private mouse hooks (`_enable_mouse_support`, `_disable_mouse_support`,
    `_mouse`): Textual asks for any-motion reports (?1003h), so moving the mouse over SSH
    sends a stream up the link. Only clicks and the wheel are asked for; no mouse, nothing.
    Mixed in before LinuxDriver (tui/terminal_driver.py)."""

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


# --------------------------------------------------------------------------- keys typed ahead
# (tui/terminal_driver.py: the keys waiting in the terminal before the app starts are read first)


def raw_mode_flags(driver: _DriverBase, lflag: int, iflag: int) -> tuple[int, int]:
    """LinuxDriver._patch_lflag / _patch_iflag: the terminal modes Textual's raw mode sets, so
    the keys read early are read as Textual will read the rest."""
    return driver._patch_lflag(lflag), driver._patch_iflag(iflag)


def terminal_events(text: str) -> Iterator[Message]:
    """textual._xterm_parser.XTermParser: Textual's own reading of terminal input into its
    events (keys, pastes), for the keys read before Textual's input thread starts."""
    from textual._xterm_parser import XTermParser

    yield from XTermParser().feed(text)


def terminal_output(driver: _DriverBase) -> TextIO | None:
    """Driver._file: the stream Textual writes the screen to (to erase the early echo)."""
    out: TextIO | None = driver._file
    return out


def terminal_width(driver: _DriverBase) -> int:
    """Driver._get_terminal_size: the width the terminal says it has, before the app runs."""
    return driver._get_terminal_size()[0]

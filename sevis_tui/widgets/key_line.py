"""The bottom line: the keys that work now, as one line of text.

Textual's Footer mounts a widget per key and rebuilds them several times while a screen starts;
one Static that redraws its text when the screen's bindings change costs a fraction of that
(start-up time, and bytes over a slow SSH link) and is all a keyboard-only officer needs.
Keys that exist but cannot be used yet (an action's check returns None) are shown dimmed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

FIRST = ("help", "back")


class KeyLine(Static):
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is not self.screen:
            return
        line = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        palette = None
        key_colour = self.app.theme_variables.get("footer-key-foreground", "")
        key_colour = key_colour if key_colour.startswith("#") else ""
        # Help and Back first: they are what a lost officer needs, and must not be cut off.
        everything = list(screen.active_bindings.values())
        everything.sort(key=lambda item: item[1].action not in FIRST)
        for _node, binding, enabled, _tooltip in everything:
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key_style = f"bold {key_colour}" if enabled else "dim"
            line.append(f" {self.app.get_key_display(binding)} ", style=key_style)
            line.append(binding.description, style="" if enabled else "dim")
            line.append(" ")
        if palette is not None:
            line.append(f" {self.app.get_key_display(palette)} ", style="bold")
            line.append("palette")
        self.update(line)

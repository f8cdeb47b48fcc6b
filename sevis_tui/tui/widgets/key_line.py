"""The bottom line: the keys that work now, as one line of text.

Textual's Footer mounts a widget per key and rebuilds them several times while a screen starts;
one Static that redraws its text when the screen's bindings change costs a fraction of that
(start-up time, and bytes over a slow SSH link) and is all a keyboard-only officer needs.
Keys that exist but cannot be used yet (an action's check returns None) are shown dimmed.

The most important keys come first (Help and what Escape does, then the screen's own, then the
focused widget's, then the app's); when the line is too short for all of them, the rest are left
out and the line ends with "F1 more" (F1 lists every key of the screen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from sevis_tui.tui.textual_compat import declared_bindings, keymap

MORE = " F1 more"


@dataclass(frozen=True)
class KeyItem:
    key: str  # as shown: "f1", "^s", "⏎"
    description: str
    enabled: bool
    rank: int  # 0 Help, 1 Escape's, 2 the screen's, 3 the focused widget's, 4 the app's, 5 palette


# Textual's scrolling and table keys that move sideways: nothing here is wider than its view.
_SIDEWAYS = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})
_CURSOR_SIDEWAYS = frozenset({"cursor_left", "cursor_right"})


def sideways(node: object, binding: Binding) -> bool:
    """A key that would move sideways where nothing can (`^pgup Page Left` on a text that
    fits its width, ← on a table whose cursor is a whole row): not worth listing."""
    if binding.action in _SIDEWAYS:
        return not getattr(node, "allow_horizontal_scroll", False)
    return binding.action in _CURSOR_SIDEWAYS and getattr(node, "cursor_type", "") == "row"


def screen_keys(screen: Screen[Any], *, everything: bool = False) -> list[KeyItem]:
    """The keys shown for `screen`, most important first, as the keymap has them.

    `everything`: also the keys the bar leaves out (arrows, Tab), for F1's table.
    """
    app: App[Any] = screen.app
    items: list[KeyItem] = []
    seen: set[tuple[str, str]] = set()
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.key == app.COMMAND_PALETTE_BINDING:
            items.append(KeyItem(app.get_key_display(binding), "palette", True, 5))
            continue
        shown = binding.show or (everything and binding.description and not binding.system)
        if not shown or (binding.action, binding.description) in seen or sideways(node, binding):
            continue
        seen.add((binding.action, binding.description))
        action = binding.action.rsplit(".", 1)[-1]
        if action == "help":
            rank = 0
        elif action == "back" or binding.key == "escape":
            rank = 1  # the way out of wherever the officer is
        elif node is screen:
            rank = 2
        elif node is app:
            rank = 4
        else:
            rank = 3
        items.append(KeyItem(app.get_key_display(binding), binding.description, enabled, rank))
    items.sort(key=lambda item: item.rank)  # stable: each group keeps its binding order
    return items


def bound_keys(screen: Screen[Any]) -> dict[str, str]:
    """Binding id -> its key as shown, for every binding of the screen and its widgets.

    The active bindings first (what the keymap made of them); then the bindings of widgets
    that are not focused now (the file browser while a report is shown), with the keymap.
    """
    app: App[Any] = screen.app
    keys: dict[str, str] = {}
    for _node, binding, _enabled, _tooltip in screen.active_bindings.values():
        if binding.id:
            keys.setdefault(binding.id, app.get_key_display(binding))
    remapped = keymap(app)
    for node in (*screen.walk_children(with_self=True), app):
        for binding in declared_bindings(node):
            if binding.id and binding.id not in keys:
                key = remapped.get(binding.id, binding.key).split(",")[0]
                keys[binding.id] = app.get_key_display(binding.with_key(key))
    return keys


_KEY_OF = re.compile(r"\{key:([a-z_.]+)\}")


def with_keys(text: str, screen: Screen[Any]) -> str:
    """`text` with each {key:ID} replaced by the key that binding has now (help never names a
    key by hand, so that it cannot disagree with the keymap)."""
    keys = bound_keys(screen)
    return _KEY_OF.sub(lambda found: f"**{keys.get(found[1], found[1])}**", text)


def key_line(items: list[KeyItem], width: int, key_colour: str = "") -> Text:
    """As many items as fit in `width` cells, in order; "F1 more" when some were left out."""
    pieces: list[Text] = []
    for item in items:
        piece = Text(no_wrap=True)
        key_style = f"bold {key_colour}".strip() if item.enabled else "dim"
        piece.append(f" {item.key} ", style=key_style)
        piece.append(item.description, style="" if item.enabled else "dim")
        piece.append(" ")
        pieces.append(piece)
    line = Text(no_wrap=True, overflow="crop")
    used = 0
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        room = width - used - (0 if last else cell_len(MORE))
        if piece.cell_len > room:
            line.append(MORE, style="bold")
            return line
        line.append_text(piece)
        used += piece.cell_len
    return line


class KeyLine(Static):
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[KeyItem] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._draw()

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is not self.screen:
            return
        items = screen_keys(screen)
        if items != self.items:
            self.items = items
            self._draw()

    def _draw(self) -> None:
        key_colour = self.app.theme_variables.get("footer-key-foreground", "")
        key_colour = key_colour if key_colour.startswith("#") else ""
        width = self.size.width or self.app.size.width
        self.update(key_line(self.items, width, key_colour))

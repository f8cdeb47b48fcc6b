"""Each private part of Textual the app relies on (sevis_tui/tui/textual_compat.py) still is
what the app expects, against the installed Textual: an upgrade that changes one fails here."""

from __future__ import annotations

import inspect
import sys
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget

from sevis_tui.tui import textual_compat
from sevis_tui.tui.textual_compat import (
    declared_bindings,
    keymap,
    parent_of,
    parse_action,
    use_scroll_bar_renderer,
)


class Pane(Widget, can_focus=True):
    BINDINGS = [Binding("x", "app.bell", "Ring", id="compat.ring")]


class Small(App[None]):
    def compose(self) -> ComposeResult:
        yield Pane()

    def action_nudge(self, step: int) -> None:
        pass


async def test_parse_action_names_the_target_the_action_and_its_parameters() -> None:
    app = Small()
    async with app.run_test():
        pane = app.query_one(Pane)
        assert parse_action(app, "app.nudge(2)", pane, None) == (app, "nudge", (2,))
        assert parse_action(app, "focus_next", pane, None) == (pane, "focus_next", ())


async def test_parent_of_climbs_from_a_widget_past_its_screen_to_the_app() -> None:
    app = Small()
    async with app.run_test():
        pane = app.query_one(Pane)
        assert parent_of(pane) is app.screen
        assert parent_of(app.screen) is app
        assert parent_of(app) is None


async def test_declared_bindings_include_an_unfocused_widgets_and_keymap_is_what_was_set() -> None:
    app = Small()
    async with app.run_test():
        pane = app.query_one(Pane)
        assert [b.id for b in declared_bindings(pane)] == ["compat.ring"]
        assert keymap(app) == {}
        app.set_keymap({"compat.ring": "ctrl+r"})
        assert keymap(app) == {"compat.ring": "ctrl+r"}


def test_the_scroll_bar_renderer_is_a_class_attribute_every_bar_uses() -> None:
    class Marked(ScrollBarRender):
        pass

    before: Any = ScrollBar.renderer
    try:
        use_scroll_bar_renderer(Marked)
        assert ScrollBar(vertical=True).renderer is Marked
        assert "self.renderer(" in inspect.getsource(ScrollBar.render)
    finally:
        ScrollBar.renderer = before


@pytest.mark.skipif(sys.platform == "win32", reason="LinuxDriver needs termios")
async def test_the_linux_driver_still_calls_the_mouse_hooks_the_driver_replaces() -> None:
    from textual.drivers.linux_driver import LinuxDriver

    for hook in ("_enable_mouse_support", "_disable_mouse_support"):
        assert hook in vars(LinuxDriver), hook
        assert hook in vars(textual_compat.ClicksAndWheelOnly), hook
    assert "self._enable_mouse_support()" in inspect.getsource(LinuxDriver.start_application_mode)
    driver = LinuxDriver(Small(), mouse=False)
    assert driver._mouse is False


def test_textuals_terminal_parser_reads_keys_and_enter() -> None:
    from textual import events

    from sevis_tui.tui.textual_compat import terminal_events

    keys = [event.key for event in terminal_events("ab\r") if isinstance(event, events.Key)]
    assert keys == ["a", "b", "enter"]


@pytest.mark.skipif(sys.platform == "win32", reason="LinuxDriver needs termios")
async def test_the_raw_mode_flags_the_output_and_the_width_are_the_drivers() -> None:
    import termios

    from textual.drivers.linux_driver import LinuxDriver

    from sevis_tui.tui.textual_compat import raw_mode_flags, terminal_output, terminal_width

    driver = LinuxDriver(Small(), mouse=False)
    lflag, iflag = raw_mode_flags(driver, termios.ECHO | termios.ICANON, termios.IXON)
    assert not lflag & (termios.ECHO | termios.ICANON) and not iflag & termios.IXON
    assert terminal_output(driver) is sys.__stderr__
    assert terminal_width(driver) > 0

"""Keys typed ahead go where they were meant: each key goes to what has focus when it is handled.

Textual's App picks the focused widget for a key as soon as the key leaves the terminal's input
queue, and posts it to that widget's own queue; bindings run later, when the key has bubbled back
up to the App. A burst over SSH (`jsmith6544<Tab>password`) is therefore all posted to the first
field before the Tab has moved the focus, and `/jsm` in the file browser moves the cursor with `j`
before `/` has opened the filter.

`KeysInOrder` hands the App one key at a time: the next key is routed only after the previous one
has been handled by every node it bubbles through (up to the App's own bindings), and after the
focus changes and screen mounts it caused. A burst then does exactly what slow typing does.

Keys also wait while the screen they would reach is not ready for them: before the first screen
is mounted, painted and focused, after every screen change until the new screen is, and while
something on the screen holds them (`hold_keys`): a screen asking the service for what it shows,
a file being checked, a folder being read. When the hold is released, and what it caused (the
answer shown, a screen pushed) has been handled and painted, the next key goes to whatever has
the focus then, exactly as if it had been typed once the screen was there. A key the screen
cannot honour then (Accept before the agreement was read to the end) is refused as it would be
when typed: with the screen's own explanation (SevisApp.run_action).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from textual import events
from textual.app import App, ScreenStackError
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer

from sevis_tui.tui.textual_compat import parent_of

ReturnType = TypeVar("ReturnType")

# A key whose handling never finishes (its widget was removed with the key in its queue) must not
# hold back the keys behind it for ever.
STUCK_SECONDS = 1.0
# Nor a hold that is never released (its owner forgot, or its answer never came): by default
# beyond the service's own timeout, keys go on to what has the focus.
HOLD_LIMIT_SECONDS = 30.0
# While keys wait, the holds are looked at again this often (a held screen may have closed).
RECHECK_SECONDS = 0.05


class KeyHold:
    """Keys wait while this is held and its node is on the screen on top (`hold_keys`)."""

    def __init__(self, app: KeysInOrder[Any] | None, node: DOMNode, limit: float) -> None:
        self._app = app
        self.node = node
        self.until = time.monotonic() + limit

    def release(self) -> None:
        """Let the keys go on once what the node was doing has been shown (idempotent)."""
        app, self._app = self._app, None
        if app is not None:
            app._release(self)


def hold_keys(node: DOMNode, limit: float = HOLD_LIMIT_SECONDS) -> KeyHold:
    """Hold the keys typed ahead while `node` loads what its screen shows; release() when done.

    Only holds on the screen on top count: keys for a dialog over a loading screen still go.
    After `limit` seconds the keys go on anyway (a folder on a mount that hangs).
    """
    app = node.app
    if not isinstance(app, KeysInOrder):
        return KeyHold(None, node, limit)
    hold = KeyHold(app, node, limit)
    app._holds.add(hold)
    return hold


class KeysInOrder(App[ReturnType]):
    """An App that routes each key only once the key before it has been fully handled."""

    def __init__(self) -> None:
        super().__init__()
        self._keys_waiting: deque[events.Key] = deque()
        self._key_in_hand: events.Key | None = None
        self._key_stuck: asyncio.TimerHandle | None = None
        self._holds: set[KeyHold] = set()
        # The screen that was mounted, focused and painted when last looked at, and the one
        # being waited for.
        self._settled_screen: Screen[Any] | None = None
        self._settling: Screen[Any] | None = None
        self._recheck: Timer | None = None

    @property
    def keys_waiting(self) -> int:
        """Keys received but not yet routed (for tests and the benchmark)."""
        return len(self._keys_waiting) + (self._key_in_hand is not None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._quits(event):
                await super().on_event(event)  # Quit never waits behind other keys
                return
            self._keys_waiting.append(event)
            await self._route_next_key()
            return
        await super().on_event(event)

    def _quits(self, key: events.Key) -> bool:
        try:
            active = self.screen.active_bindings.get(key.key)
        except ScreenStackError:
            return False
        return active is not None and active.node is self and active.binding.action == "quit"

    async def _route_next_key(self) -> None:
        if self._key_in_hand is not None or not self._keys_waiting:
            return
        if not self._ready_for_keys():
            return
        key = self._keys_waiting.popleft()
        self._key_in_hand = key
        self._key_stuck = asyncio.get_running_loop().call_later(STUCK_SECONDS, self._key_done, key)
        # Where Textual's App.on_event forwards a key that no priority binding takes.
        target: MessagePump = self.focused or self.screen
        await super().on_event(key)
        if key.is_forwarded:
            self._follow(key, target)
        else:
            self._key_handled(key)

    def _follow(self, key: events.Key, node: MessagePump) -> None:
        """Once `node` has handled the key, follow it to the parent it bubbles to."""

        def after_node() -> None:
            if key is not self._key_in_hand:
                return
            parent = parent_of(node)
            if node is self or parent is None:
                self._key_handled(key)
            else:
                self._follow(key, parent)

        # A callback queued behind the key runs after the node's handlers for it.
        if not node.call_later(after_node):
            self._key_handled(key)  # the node is closing: the key goes no further

    def _key_handled(self, key: events.Key) -> None:
        # What the key caused is queued behind it: an Outcome bubbling from the screen to the App
        # (the flow then pushes the next screen), that screen's mount, and the focus changes that
        # Widget.focus() and on_mount post to the App. Pass through the screen's queue, the App's,
        # then the screen's again (perhaps a new one, after its mount) and the App's once more.
        self._pass_through(("screen", "app", "screen", "app"), lambda: self._key_done(key))

    def _pass_through(self, queues: tuple[DOMNode | str, ...], then: Callable[[], object]) -> None:
        """Run `then` once each queue in turn has handled what was in it: "screen" (the one on
        top at that moment), "app", or a node."""
        if not queues:
            then()
            return

        def next_queue() -> None:
            self._pass_through(queues[1:], then)

        where = queues[0]
        try:
            pump = self if where == "app" else self.screen if where == "screen" else where
            queued = isinstance(pump, MessagePump) and pump.call_later(next_queue)
        except ScreenStackError:
            queued = False
        if not queued:
            next_queue()

    # ------------------------------------------------------------------ screens not ready yet

    def _ready_for_keys(self) -> bool:
        """Whether the screen on top is ready for the next key; if not, wait for it."""
        try:
            screen = self.screen
        except ScreenStackError:  # no screen yet
            self._recheck_soon()
            return False
        if getattr(self, "_batch_count", 0):
            # Updates are held back (App.delay_update, batch_update): nothing is laid out
            # meanwhile, so "after the refresh" would come before the layout. Settle after.
            self._settled_screen = None
            self._recheck_soon()
            return False
        if screen is not self._settled_screen:
            self._settle(screen)
            return False
        if self._held_on(screen):
            self._recheck_soon()
            return False
        return True

    def _settle(self, screen: Screen[Any]) -> None:
        """Route again once `screen` is mounted, has its focus and has been painted."""
        if self._settling is screen:
            return
        self._settling = screen

        def painted() -> None:
            # After the screen's own queue (its mount comes first), a refresh, and the App's
            # queue (where Widget.focus() lands).
            self._pass_through(("app",), settled)

        def settled() -> None:
            if self._settling is screen:
                self._settling = None
            if screen.is_attached and screen is self._screen_or_none():
                self._settled_screen = screen
            self.call_later(self._route_next_key)

        if not screen.call_after_refresh(painted):
            settled()

    def _screen_or_none(self) -> Screen[Any] | None:
        try:
            return self.screen
        except ScreenStackError:
            return None

    def _held_on(self, screen: Screen[Any]) -> bool:
        now = time.monotonic()
        held = False
        for hold in list(self._holds):
            node = hold.node
            if not node.is_attached or now > hold.until:
                self._holds.discard(hold)  # its screen closed, or it was never released
                continue
            if getattr(node, "screen", None) is screen:
                held = True
        return held

    def _release(self, hold: KeyHold) -> None:
        self._holds.discard(hold)

        def settle_again() -> None:
            # Laid out and painted as the officer would see it before typing (End on a text
            # shown but not laid out yet would not reach its end).
            self._settled_screen = None
            self.call_later(self._route_next_key)

        # The answer the hold waited for is shown by now; what showing it caused (a screen
        # pushed, the focus moved) is queued behind it: let that happen, then route.
        self._pass_through((hold.node, "screen", "app", "screen", "app"), settle_again)

    def _recheck_soon(self) -> None:
        if self._recheck is None:

            def recheck() -> None:
                self._recheck = None
                self.call_later(self._route_next_key)

            self._recheck = self.set_timer(RECHECK_SECONDS, recheck)

    def _key_done(self, key: events.Key) -> None:
        if key is not self._key_in_hand:
            return
        if self._key_stuck is not None:
            self._key_stuck.cancel()
            self._key_stuck = None
        self._key_in_hand = None
        # Some of what a key does waits for the next refresh (End scrolls once the screen has
        # been laid out): the next key goes after it, as it would when typed by hand.
        self._settled_screen = None
        if self._keys_waiting:
            self.call_later(self._route_next_key)

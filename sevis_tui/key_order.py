"""Keys typed ahead go where they were meant: each key goes to what has focus when it is handled.

Textual's App picks the focused widget for a key as soon as the key leaves the terminal's input
queue, and posts it to that widget's own queue; bindings run later, when the key has bubbled back
up to the App. A burst over SSH (`jsmith6544<Tab>password`) is therefore all posted to the first
field before the Tab has moved the focus, and `/jsm` in the file browser moves the cursor with `j`
before `/` has opened the filter.

`KeysInOrder` hands the App one key at a time: the next key is routed only after the previous one
has been handled by every node it bubbles through (up to the App's own bindings), and after the
focus changes and screen mounts it caused. A burst then does exactly what slow typing does.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TypeVar

from textual import events
from textual.app import App, ScreenStackError
from textual.message_pump import MessagePump

ReturnType = TypeVar("ReturnType")

# A key whose handling never finishes (its widget was removed with the key in its queue) must not
# hold back the keys behind it for ever.
STUCK_SECONDS = 1.0


class KeysInOrder(App[ReturnType]):
    """An App that routes each key only once the key before it has been fully handled."""

    def __init__(self) -> None:
        super().__init__()
        self._keys_waiting: deque[events.Key] = deque()
        self._key_in_hand: events.Key | None = None
        self._key_stuck: asyncio.TimerHandle | None = None

    @property
    def keys_waiting(self) -> int:
        """Keys received but not yet routed (for tests and the benchmark)."""
        return len(self._keys_waiting) + (self._key_in_hand is not None)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._keys_waiting.append(event)
            await self._route_next_key()
            return
        await super().on_event(event)

    async def _route_next_key(self) -> None:
        if self._key_in_hand is not None or not self._keys_waiting:
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
            parent = node._parent
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
        self._pass_through(key, ("screen", "app", "screen", "app"))

    def _pass_through(self, key: events.Key, queues: tuple[str, ...]) -> None:
        if not queues:
            self._key_done(key)
            return

        def next_queue() -> None:
            self._pass_through(key, queues[1:])

        if queues[0] == "app":
            queued = self.call_later(next_queue)
        else:
            try:
                queued = self.screen.call_later(next_queue)
            except ScreenStackError:
                queued = False
        if not queued:
            next_queue()

    def _key_done(self, key: events.Key) -> None:
        if key is not self._key_in_hand:
            return
        if self._key_stuck is not None:
            self._key_stuck.cancel()
            self._key_stuck = None
        self._key_in_hand = None
        if self._keys_waiting:
            self.call_later(self._route_next_key)

"""The one rule for typing on a list (the Listing of Programs, the file browser).

Letters and digits always go to the list's filter, from the first one typed: no action is bound
to them. Actions use keys that cannot start a name (arrows, Enter, Escape, Backspace, a few
symbols such as / . ~, Ctrl keys). Once a filter is being typed, every printable key is part of it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.events import Key


def types_into_filter(event: Key, *, filtering: bool, bound: Callable[[str], bool]) -> bool:
    """True when `event` is text for the filter: a letter or digit, any character while a filter
    is being typed, or another printable character that no action uses."""
    character = event.character
    if not event.is_printable or not character:
        return False
    if filtering or character.isalnum():
        return True
    return character != " " and not bound(event.key)

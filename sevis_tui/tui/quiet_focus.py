"""A focus change repaints what it changes, not the whole screen.

Textual's `Screen.focused` is a reactive that repaints the whole screen when it changes, so every
Tab cost a full screen of bytes (6.7 KB at 80x24 on the login screen) although the two widgets
whose focus changed repaint themselves, and focus styles are updated on their own. Every screen
of the app mixes this in first.
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.widget import Widget


class QuietFocus:
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

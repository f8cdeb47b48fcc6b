"""A one-line message under a screen's title: what went wrong, what to do, and the retry key."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.widgets import Static

from sevis_tui.tui.widgets.wrapping import wrap_text

Tone = Literal["error", "warning", "info", "working"]

_MARKS: dict[Tone, str] = {"error": "✗", "warning": "!", "info": "i", "working": "…"}


class MessageBar(Static):
    """Shows one message with its remedy; hidden when there is nothing to say."""

    text = Text()

    DEFAULT_CSS = """
    MessageBar {
        height: auto;
        padding: 0 1;
        display: none;
    }
    MessageBar.-error { background: $error 25%; color: $text; }
    MessageBar.-warning { background: $warning 25%; color: $text; }
    MessageBar.-info { background: $primary 20%; color: $text; }
    MessageBar.-working { color: $text-muted; }
    """

    def show(
        self, message: str, remedy: str = "", *, tone: Tone = "error", key_hint: str = ""
    ) -> None:
        text = Text(f"{_MARKS[tone]} ", style="bold")
        text.append(message)
        if remedy:
            text.append(f" {remedy}")
        if key_hint:
            text.append(f"  {key_hint}", style="bold")
        for name in _MARKS:
            self.set_class(name == tone, f"-{name}")
        self.text = text
        self._wrap()
        self.display = True

    def clear(self) -> None:
        self.text = Text()
        self.update("")
        self.display = False

    def on_resize(self) -> None:
        if self.display:
            self._wrap()

    def _wrap(self) -> None:
        # Continuation lines under the text, not under the mark; paths break after a "/".
        width = (self.size.width or self.app.size.width) - 2
        self.update(wrap_text(self.text, width, indent=2))

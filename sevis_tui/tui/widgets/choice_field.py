"""One line that picks one of a few choices with the arrows: the key type, the .p12 form.

A form field, not a drop-down: left/right (or space) change the choice in place, Enter moves on
to the next field, and the choice is spelled out, so it reads the same in 16 colours, with
NO_COLOR and in ASCII.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

Value = TypeVar("Value")


class ChoiceField(Widget, Generic[Value], can_focus=True):
    """Shows `< label >`; `value` is the chosen choice's value."""

    DEFAULT_CSS = """
    ChoiceField { height: 1; width: 1fr; padding: 0 1; background: $boost; }
    ChoiceField:focus { background: $surface-lighten-1; text-style: bold; }
    """

    BINDINGS = [
        Binding("left", "move(-1)", "Previous choice", id="choice.previous", show=False),
        Binding("right,space", "move(1)", "Next choice", id="choice.next", show=False),
        Binding("enter", "app.focus_next", "Next field", show=False, priority=True),
    ]

    index: reactive[int] = reactive(0)

    def __init__(
        self, choices: Sequence[tuple[str, Value]], *, id: str | None = None, index: int = 0
    ) -> None:
        super().__init__(id=id)
        self.choices = list(choices)
        self.set_reactive(ChoiceField.index, index)

    @property
    def value(self) -> Value:
        return self.choices[self.index][1]

    def render(self) -> Text:
        label = self.choices[self.index][0]
        text = Text("< ", style="dim")
        text.append(label)
        text.append(" >", style="dim")
        # The longest hint that fits: a cut-off "1 of 4," reads as a mistake.
        count = f"{self.index + 1} of {len(self.choices)}"
        room = self.content_size.width - text.cell_len
        for hint in (f"  {count}, left/right to change", f"  {count}, left/right", f"  {count}"):
            if len(hint) <= room:
                text.append(hint, style="dim")
                break
        return text

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.choices)

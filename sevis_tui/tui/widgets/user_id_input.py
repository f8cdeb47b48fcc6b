"""The user-ID field of the login screen: it never shows, nor holds, what cannot be a user ID.

A password typed here by habit (the officer expected the cursor in Password) would show in
clear and could be sent as a user ID. A user ID is at most 10 letters and digits and a password
at least 12 characters, so a password typed here always meets a character that no user ID has
(`#`, a space) or an 11th character. At that key the field keeps what it held when it got the
focus and hands what was typed since to `looks_like_password` at once (before the next key is
handled), which moves it to the masked Password field.

Until then it may be the start of a password: typed over a user ID (a remembered one), text
that is not the start of that ID is shown masked, and in clear once the focus leaves the field.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.events import Blur, Focus
from textual.widgets import Input

from sevis_tui.contract import USER_ID_MAX


def could_be_user_id_text(text: str) -> bool:
    """Whether `text` could be (the start of) a user ID: at most 10 ASCII letters and digits."""
    return len(text) <= USER_ID_MAX and all(c.isascii() and c.isalnum() for c in text)


class UserIdInput(Input):
    """Enter moves to the password at once, so keys typed ahead land there."""

    # priority: handled as the key arrives, before later keys are passed on to this field.
    BINDINGS = [Binding("enter", "app.focus_next", "Next field", show=False, priority=True)]

    def __init__(
        self,
        value: str,
        looks_like_password: Callable[[str], None],
        *,
        placeholder: str,
        id: str,
    ) -> None:
        super().__init__(value, placeholder=placeholder, id=id)
        self._at_focus = value
        self._looks_like_password = looks_like_password

    def _on_focus(self, event: Focus) -> None:
        self._at_focus = self.value
        super()._on_focus(event)

    def _on_blur(self, event: Blur) -> None:
        self.password = False  # the officer moved on: it was meant as a user ID
        super()._on_blur(event)

    def replace(self, text: str, start: int, end: int) -> None:
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        new_value = f"{value[:start]}{text}{value[end:]}"
        if could_be_user_id_text(new_value):
            # Masked before it is shown, when it is not the remembered ID being typed again.
            self.password = bool(self._at_focus) and not self._at_focus.startswith(new_value)
            super().replace(text, start, end)
            return
        kept = self._at_focus
        typed = new_value[len(kept) :] if kept and new_value.startswith(kept) else new_value
        self.password = False
        self.value = kept
        self.cursor_position = len(kept)
        self._looks_like_password(typed)

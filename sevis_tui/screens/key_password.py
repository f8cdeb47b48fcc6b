"""Ask for a PKCS#12 file's password, masked, to use its key for one batch access check.

(Branch i10 brings a PKCS#12 password dialog for reading certificates, `p12_password.py`; it
was not on main when this one was needed. The two are to be merged into one.)

The password opens the file once, in this process: it is never stored (not in the state, the
config or a log) nor sent anywhere. The field is emptied as soon as Enter is pressed and the
caller gets a bytearray that it overwrites with zeros after use.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sevis_tui.cert.text_report import printable
from sevis_tui.widgets.key_line import KeyLine


class KeyPasswordDialog(ModalScreen[bytearray | None]):
    """Returns the password typed (Enter), or None (Escape). `wrong`: the last one failed."""

    DEFAULT_CSS = """
    KeyPasswordDialog { align: center middle; background: $background; }
    KeyPasswordDialog > #key-password-box {
        width: 70; max-width: 98%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    KeyPasswordDialog #key-password-problem { color: $error; height: auto; }
    KeyPasswordDialog #key-password-hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="key-password.cancel")]

    def __init__(self, file_name: str, *, wrong: str = "") -> None:
        super().__init__()
        self.file_name = file_name
        self.wrong = wrong

    def compose(self) -> ComposeResult:
        name = printable(self.file_name)
        with Vertical(id="key-password-box"):
            yield Static(
                f"Password of {name}. It opens the key on this machine for this check only; "
                "it is never stored or sent.",
                id="key-password-question",
                markup=False,
            )
            yield Input(password=True, id="key-password", placeholder="password")
            yield Static(self.wrong, id="key-password-problem", markup=False)
            yield Static("Enter checks · Escape cancels", id="key-password-hint")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        secret = bytearray(event.value.encode("utf-8"))
        event.input.value = ""  # nothing keeps the typed text once it is read
        self.dismiss(secret)

    def action_cancel(self) -> None:
        self.query_one(Input).value = ""
        self.dismiss(None)

"""Ask for the password of a PKCS#12 (.p12/.pfx) file, masked, to read its certificates.

The password is used once to open the file and then thrown away: it is never stored (not in
the state, the config or a log), the field is emptied as soon as Enter is pressed, and the
caller gets it as a bytearray that it overwrites with zeros after use. A Python str cannot be
wiped, so the field's text is dropped at once and nothing keeps a reference to it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from sevis_tui.cert.text_report import printable
from sevis_tui.tui.widgets.key_line import KeyLine

PASSWORD_HELP = """
# The password of a PKCS#12 file

A `.p12` or `.pfx` file keeps its certificate and private key under a password. Type it and press
**Enter** to read the certificate inside; letter case counts.

- The password opens the file on this machine only, once: it is never stored (not in the state,
  the config or a log) and never sent to the service.
- {key:password.cancel} cancels: you see the report of the file as far as it can be read
  without the password.
"""


class PasswordDialog(ModalScreen[bytearray | None]):
    """Returns the password typed (Enter), or None (Escape). `wrong`: the last one failed."""

    DEFAULT_CSS = """
    PasswordDialog { align: center middle; }
    PasswordDialog > #password-box {
        width: 70; max-width: 98%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    PasswordDialog #password-problem { color: $error; height: auto; }
    PasswordDialog #password-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("escape", "cancel", "Cancel", id="password.cancel"),
    ]

    def __init__(self, file_name: str, *, wrong: bool = False) -> None:
        super().__init__()
        self.file_name = file_name
        self.wrong = wrong

    def compose(self) -> ComposeResult:
        name = printable(self.file_name)
        with Vertical(id="password-box"):
            yield Static(
                f"{name} is a PKCS#12 file protected by a password. Type it to read the "
                "certificate inside. The password is used only to open the file on this "
                "machine; it is never stored or sent.",
                id="password-question",
                markup=False,
            )
            yield Input(password=True, id="p12-password", placeholder="password")
            problem = (
                f"That password does not open {name}. Check it (letter case counts) and try again."
                if self.wrong
                else ""
            )
            yield Static(problem, id="password-problem", markup=False)
            yield Static("Enter opens the file", id="password-hint")
        yield KeyLine()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        secret = bytearray(event.value.encode("utf-8"))
        event.input.value = ""  # nothing keeps the typed text once it is read
        self.dismiss(secret)

    def action_help(self) -> None:
        from sevis_tui.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen("PKCS#12 password", PASSWORD_HELP, self))

    def action_cancel(self) -> None:
        self.query_one(Input).value = ""
        self.dismiss(None)

"""Log in: user ID and masked password; the service's answers shown in place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, Static

from sevis_tui.api.errors import AccountLocked, SevisError
from sevis_tui.contract import USER_ID
from sevis_tui.settings.config import paths
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import CertificateToolWanted, LoggedIn
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.tui.widgets.user_id_input import UserIdInput

if TYPE_CHECKING:
    from sevis_tui.contract import LoginResult


class LoginScreen(SevisScreen):
    """The first screen. With relogin=True it is shown over the flow after the session ended."""

    LOCATION = "Log in"
    HELP = """
# Log in

Type your **SEVIS user ID** and **password**, then press **Enter**.

- User IDs and passwords are case sensitive.
- After **three** wrong passwords your user ID is locked. In SEVIS an RO's reset goes through the
  SEVIS help desk; here, ask the administrator of the registration service. On the demo service
  the message shows the `sevis-tui serve admin unlock` command that unlocks it.
- A user ID that has not logged in for **45 days** becomes inactive.
- Press {key:login.inspect} to check certificate files offline, without logging in.
- Press {key:login.request} to request a new certificate (a key and the request for a vendor),
  also without logging in.

Your password is sent to the service and never written to any file.
"""

    BINDINGS = [
        Binding("ctrl+o", "app.open_inspect", "Inspect files offline", id="login.inspect"),
        Binding("ctrl+n", "request_certificate", "New certificate", id="login.request"),
    ]

    # The form is centred in its own row, so a message line above it does not move it.
    DEFAULT_CSS = """
    LoginScreen #login-row { height: auto; align-horizontal: center; }
    LoginScreen #login-form {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; padding: 0 2; margin: 1 0 0 0;
    }
    LoginScreen Input { margin-bottom: 1; }
    LoginScreen #demo-hint { color: $warning; margin-bottom: 1; }
    LoginScreen #server-line { color: $text-muted; margin-bottom: 1; }
    LoginScreen #login-hint { color: $text-muted; }
    /* Under 24 lines: no blank lines in the form, so that a message above it leaves the hint. */
    LoginScreen.-short #login-form { margin: 0; }
    LoginScreen.-short Input, LoginScreen.-short #demo-hint, LoginScreen.-short #server-line {
        margin-bottom: 0;
    }
    """

    def __init__(self, *, relogin: bool = False) -> None:
        super().__init__()
        self.relogin = relogin

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Center(id="login-row"), Vertical(id="login-form"):
            yield Static(f"Server: {self.sevis.server_label}", id="server-line", markup=False)
            demo = self.sevis.demo_login()
            if demo is not None:
                yield Static(
                    f"Demo mode: user ID {demo[0]}, password {demo[1]}",
                    id="demo-hint",
                    markup=False,
                )
            yield Label("SEVIS user ID")
            yield UserIdInput(
                self.sevis.state.last_user_id,
                self._password_in_user_id,
                placeholder="e.g. jsmith6544",
                id="user-id",
            )
            yield Label("Password")
            # Not selected on focus: what the user-ID field hands over is typed on, not over.
            yield Input(
                placeholder="12 to 64 characters",
                password=True,
                id="password",
                select_on_focus=False,
            )
            yield Static("Enter logs in · Tab moves between the fields", id="login-hint")
        yield KeyLine()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing lies behind the login screen: no Back key here.
        return action != "back"

    def on_resize(self) -> None:
        self.set_class(self.size.height < 24, "-short")

    def action_request_certificate(self) -> None:
        self.post_message(CertificateToolWanted("request"))

    def on_mount(self) -> None:
        if self.relogin:
            self.message.show(
                "Your session ended after 20 idle minutes.",
                "Log in again to continue where you were; nothing you did is lost.",
                tone="warning",
            )
        # Always the user ID first, a remembered one selected: typing replaces it, Enter or Tab
        # keeps it. An officer who types the user ID, Tab and the password by habit then logs
        # in; one who types only the password has it moved to Password (UserIdInput).
        self.query_one("#user-id", Input).focus()

    def _password_in_user_id(self, typed: str) -> None:
        password = self.query_one("#password", Input)
        password.value += typed
        password.cursor_position = len(password.value)
        password.focus()
        self.message.show(
            "That cannot be a user ID, so it went to Password (hidden).",
            "A user ID is 4 to 10 letters and digits.",
            tone="info",
        )

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        user_id = self.query_one("#user-id", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not user_id:
            self.message.show("Type your SEVIS user ID.", "It is on your SEVIS welcome e-mail.")
            self.query_one("#user-id", Input).focus()
            return
        if not USER_ID.fullmatch(user_id):
            # Never sent: a text that cannot be a user ID may be part of a password.
            self.message.show(
                "A SEVIS user ID has 4 to 10 letters and digits.",
                "Check the User ID field; nothing was sent.",
            )
            self.query_one("#user-id", Input).focus()
            return
        if not password:
            self.message.show("Type your password.", "Passwords are case sensitive.")
            self.query_one("#password", Input).focus()
            return
        self.message.show("Logging in…", tone="working")
        self.query_one("#password", Input).disabled = True
        self.log_in(user_id, password)

    def log_in(self, user_id: str, password: str) -> None:
        self.request(
            lambda client: client.login(user_id, password),
            self.logged_in,
            group="login",
            retry=self._submit,
        )

    def request_failed(self, error: SevisError) -> None:
        # The password is cleared: a retry means typing it again, so no retry key here.
        self.query_one("#password", Input).disabled = False
        if isinstance(error, AccountLocked):
            user_id = self.query_one("#user-id", Input).value.strip()
            self.message.show(error.message, self.unlock_remedy(user_id, error.remedy))
        else:
            self.show_error(error)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def logged_in(self, result: LoginResult) -> None:
        self.sevis.logged_in(result)
        self.query_one("#password", Input).value = ""
        if not self.relogin:
            # This screen stays under the flow: it is where logging out returns to.
            self.message.clear()
            self.query_one("#password", Input).disabled = False
        self.post_message(LoggedIn(relogin=self.relogin))

    def unlock_remedy(self, user_id: str, service_remedy: str) -> str:
        """How to unlock: the exact command for the embedded demo, the administrator otherwise."""
        if not self.sevis.settings.embedded:
            return service_remedy or "Ask your service's administrator to unlock it."
        command = unlock_command(user_id, paths().database)
        return f"This is the demo service: in another terminal, run  {command}  then log in again."


def unlock_command(user_id: str, database: Path) -> str:
    """`sevis-tui serve admin unlock` for `user_id` on the embedded demo's database."""
    import shlex  # only for a locked demo account, not at every start

    return shlex.join(["sevis-tui", "serve", "admin", "unlock", "--db", str(database), user_id])

"""What every workflow screen shares: the top bar, the message line, F1 help, Escape back, and
one way to ask the service for something.

`request()` runs the call in a worker; the worker only posts a message, and the handler here
delivers the answer to the screen (or shows the failure with a retry key). A session that ended
is an Outcome: the flow has the officer log in again, then repeats the request, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from sevis_tui.api.errors import SessionExpired, SevisError
from sevis_tui.text.formats import counted
from sevis_tui.tui import key_order
from sevis_tui.tui.quiet_focus import QuietFocus
from sevis_tui.tui.screens.host import Host
from sevis_tui.tui.screens.outcomes import SessionEnded, WentBack
from sevis_tui.tui.widgets.message_bar import MessageBar
from sevis_tui.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from sevis_tui.api.batch_client import BatchClient, BatchIdentity
    from sevis_tui.api.client import SevisClient
    from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser

Answer = TypeVar("Answer")
Retry = Callable[[], object]


class SevisScreen(QuietFocus, Screen[bool]):
    """A screen of the flow. Subclasses set LOCATION (shown at the top) and HELP (markdown), or
    override `location` and `help_text` when they depend on what the screen shows."""

    LOCATION: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    # Shown after a failure that can be retried; a screen that lists things binds no letters.
    RETRY_HINT: ClassVar[str] = "r: try again"

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("escape", "back", "Back", id="screen.back"),
        Binding("r", "retry", "Try again", id="screen.retry", show=False),
    ]

    class Answered(Message):
        """The service answered; `deliver` hands the answer to the screen."""

        def __init__(self, deliver: Callable[[], None]) -> None:
            super().__init__()
            self.deliver = deliver

    class Failed(Message):
        """A request failed; `retry` repeats it."""

        def __init__(self, error: SevisError, retry: Retry) -> None:
            super().__init__()
            self.error = error
            self.retry = retry

    def __init__(self) -> None:
        super().__init__()
        self._retry: Retry | None = None
        # Tries again since the last answer, and when the last was: a retry that fails the
        # same way must still change the screen, or the key seems to do nothing.
        self._tries = 0
        self._tried_at: datetime | None = None
        self._load_on_return = False
        self._left_to_change = False

    @property
    def sevis(self) -> Host:
        return cast(Host, self.app)

    @property
    def location(self) -> str:
        return self.LOCATION

    @property
    def help_text(self) -> str:
        return self.HELP

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.location)
        yield MessageBar(id="message")

    @property
    def message(self) -> MessageBar:
        return self.query_one("#message", MessageBar)

    def show_error(self, error: SevisError, *, retry: bool = False) -> None:
        hint = self.RETRY_HINT if retry else ""
        if retry and self._tries and self._tried_at is not None:
            hint = (
                f"Tried again at {self._tried_at:%H:%M:%S} UTC "
                f"({counted(self._tries, 'time')}). {hint}"
            )
        self.message.show(error.message, error.remedy, key_hint=hint)

    # ------------------------------------------------------------------ talking to the service

    def request(
        self,
        call: Callable[[SevisClient], Awaitable[Answer]],
        deliver: Callable[[Answer], None],
        *,
        group: str,
        retry: Retry,
        hold_keys: bool = True,
    ) -> Worker[None]:
        """Run `call` with the client in a worker; `deliver` gets the answer on the UI side.

        Keys typed ahead meanwhile wait for the answer to be shown (tui/key_order.py), unless
        `hold_keys` is False: keys that act during the call (Escape cancels an upload).
        """
        hold = key_order.hold_keys(self) if hold_keys else None
        return self.run_worker(self._ask(call, deliver, retry, hold), group=group, exclusive=True)

    async def _ask(
        self,
        call: Callable[[SevisClient], Awaitable[Answer]],
        deliver: Callable[[Answer], None],
        retry: Retry,
        hold: key_order.KeyHold | None,
    ) -> None:
        try:
            client = await self.sevis.get_client()
            answer = await call(client)
        except SevisError as error:
            self.post_message(self.Failed(error, retry))
        else:
            self.post_message(self.Answered(partial(deliver, answer)))
        finally:
            if hold is not None:
                # Queued behind the answer: released once it has been shown (or never came).
                self.call_later(hold.release)

    def on_sevis_screen_answered(self, event: Answered) -> None:
        self.sevis.touch()
        self._retry = None
        self._tries = 0
        event.deliver()

    def on_sevis_screen_failed(self, event: Failed) -> None:
        if isinstance(event.error, SessionExpired):
            self.session_ended(event.retry)
            return
        self._retry = event.retry
        self.request_failed(event.error)

    def session_ended(self, retry: Callable[[], object]) -> None:
        """The service ended the session: log in again, then `retry` (nothing done is lost)."""
        self.sevis.logged_out()
        self.post_message(SessionEnded(retry))

    def request_failed(self, error: SevisError) -> None:
        """Show a failure; screens override this for failures they handle themselves."""
        self.show_error(error, retry=True)

    @property
    def has_retry(self) -> bool:
        """A failed request is waiting to be tried again."""
        return self._retry is not None

    def action_retry(self) -> None:
        retry, self._retry = self._retry, None
        if retry is not None:
            self._tries += 1
            self._tried_at = self.sevis.clock().astimezone(UTC)
            self.message.show("Trying again…", tone="working")
            retry()

    def load(self) -> None:
        """Ask the service for what this screen shows (screens that show something do)."""

    def reload(self, working: str = "Loading…") -> None:
        """A screen's Reload key: after a failure it is the retry (and counts as one)."""
        if self.has_retry:
            self.action_retry()
            return
        self.message.show(working, tone="working")
        self.load()

    def load_again_on_return(self) -> None:
        """The screen the flow opens next may change what this one shows: load() on return."""
        self._load_on_return = True

    def on_certificate_chooser_password_needed(
        self, event: CertificateChooser.PasswordNeeded
    ) -> None:
        """A .p12 chosen on this screen needs its password: the masked dialog answers it."""
        from sevis_tui.tui.dialogs.p12_password import PasswordDialog

        event.stop()
        self.app.push_screen(PasswordDialog(event.file_name, wrong=event.wrong), event.answer)

    def on_screen_suspend(self) -> None:
        # Only what was asked before this screen was covered counts: help, the palette or a
        # question closing (the answer may ask for a new screen meanwhile) cost no round trip.
        self._left_to_change = self._load_on_return

    def on_screen_resume(self) -> None:
        if self._left_to_change and self.is_active:
            self._load_on_return = self._left_to_change = False
            self.load()

    # ------------------------------------------------------------------ keys everywhere

    def action_help(self) -> None:
        from sevis_tui.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen(self.location, self.help_text, self))

    def action_back(self) -> None:
        self.post_message(WentBack())


async def open_batch_client(
    host: Host, data: bytes, password: bytearray, name: str
) -> tuple[BatchClient, BatchIdentity]:
    """The batch client for the .p12 `data` (its password zeroed once read) against the
    service's batch endpoint: what Check Batch Access and Send a Batch File connect with.
    BatchError as read_pkcs12 raises it (wrong_password, no_key, …)."""
    import asyncio

    from sevis_tui.api.batch_client import BatchClient, read_pkcs12

    try:
        identity = await asyncio.to_thread(read_pkcs12, data, password, name)
    finally:
        password[:] = b"\0" * len(password)
    endpoint = await host.get_batch_endpoint()
    client = await asyncio.to_thread(
        BatchClient,
        endpoint.url,
        identity,
        ca_pem=endpoint.ca_pem,
        ca_bundle=endpoint.ca_bundle,
        timeout=host.settings.server.timeout,
    )
    return client, identity

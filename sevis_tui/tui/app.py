"""The Textual application: holds the settings, the service client, the session and the state.

Screens do the work; the app keeps what outlives a screen (who is logged in, the client, the
remembered folder) and the behaviour of every screen: idle warnings, dimmed keys, Ctrl+Q. Which
screen comes next is the flow's business (sevis_tui/tui/flow.py): screens post an Outcome, the app
hands it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events, on
from textual.actions import ActionParseResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.driver import Driver
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input

from sevis_tui.settings.config import Settings, State, StateStore, paths
from sevis_tui.text import formats
from sevis_tui.tui.flow import Flow
from sevis_tui.tui.key_order import KeysInOrder
from sevis_tui.tui.palette import FlowCommands
from sevis_tui.tui.screens.outcomes import CertificateToolWanted, InspectionWanted, Outcome
from sevis_tui.tui.terminal import GlyphMode, glyph_mode
from sevis_tui.tui.textual_compat import parse_action

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient
    from sevis_tui.cert import Policy
    from sevis_tui.contract import LoginResult
    from sevis_tui.tui.screens.host import Host
    from sevis_tui.tui.widgets.file_browser import FileBrowser
    from sevis_tui.tui.widgets.message_bar import MessageBar
    from sevis_tui.wiring.batch_endpoint import BatchEndpoint

ClientFactory = Callable[[Settings], Awaitable["SevisClient"]]
Clock = Callable[[], datetime]
# The offline rules for these settings, judged at the given clock's time.
PolicyFactory = Callable[[Settings, Clock], "Policy"]


@runtime_checkable
class ExplainsDimmedKeys(Protocol):
    def why_not(self, action: str) -> str:
        """Why `action` (its check_action returned None) cannot be used now, and what to do."""
        ...


@runtime_checkable
class ShowsMessages(Protocol):
    @property
    def message(self) -> MessageBar: ...


# How long a new screen may take to settle before it is painted (see _screen_changed).
SCREEN_SETTLE_SECONDS = 0.12

# SEVIS warns after 18 idle minutes and ends the session after 20.
IDLE_WARNING_SECONDS = 18 * 60


async def default_client_factory(settings: Settings) -> SevisClient:
    from sevis_tui.wiring.embedded import open_client

    return await open_client(settings)


def system_clock() -> datetime:
    return datetime.now(UTC)


def default_policy_factory(settings: Settings, clock: Clock) -> Policy:
    """The configured accepted issuers, plus the embedded demo's issuer when embedded."""
    from sevis_tui.settings.policy import load_policy
    from sevis_tui.wiring.embedded import demo_issuers

    return load_policy(settings, extra_issuers=demo_issuers(settings, clock()), clock=clock)


class SevisApp(KeysInOrder[None]):
    """sevis-tui: register a certificate for SEVIS batch processing, keyboard only."""

    TITLE = "sevis-tui"
    # Focus must always be visible, also in 16 colours and with NO_COLOR: scrolling panes get a
    # bar on their left edge when focused, which shows as a shape, not only as a colour.
    CSS = """
    Screen { background: $background; }
    .hint { color: $text-muted; padding: 0 1; }
    .pane { border-left: blank; }
    .pane:focus { border-left: thick $accent; }
    """
    # Only our commands: Textual's own Quit, Keys and Theme would sit beside ours (we have Quit,
    # and F1 lists the keys), and its screenshot would drop an SVG in the working folder.
    COMMANDS = {FlowCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    # Shown on the second line of every screen's top bar once logged in: the same reminder in
    # several lengths, longest first (the bar shows the longest that fits).
    session_lines: reactive[tuple[str, ...]] = reactive(())

    def __init__(
        self,
        settings: Settings,
        *,
        client_factory: ClientFactory = default_client_factory,
        state_store: StateStore | None = None,
        clock: Clock = system_clock,
        policy_factory: PolicyFactory = default_policy_factory,
        glyphs: GlyphMode = "unicode",
    ) -> None:
        # Before App.__init__, which picks the driver (tui/terminal.py: mouse reports and glyphs).
        self.glyphs: GlyphMode = glyphs
        super().__init__()
        # No animated scrolling or fading: each frame would cross a slow SSH link (End on the
        # agreement cost 90 KB of frames).
        self.animation_level = "none"
        self.settings = settings
        # Aware UTC time for everything dated (last login, expiry, printouts); tests inject it.
        self.clock = clock
        self._policy_factory = policy_factory
        self._client_factory = client_factory
        self.client: SevisClient | None = None
        # The batch interface, found (or, for the demo, started) at the first access check.
        self.batch_endpoint: BatchEndpoint | None = None
        self.login: LoginResult | None = None
        self.state_store = state_store or StateStore(paths().state_file)
        self.state: State = self.state_store.load()
        self._policy: Policy | None = None
        # Thread workers (the preview, the chooser, the forms) may ask at once: load it once.
        self._policy_lock = threading.Lock()
        self._last_activity = time.monotonic()
        self._idle_warned = False
        self._state_problem_said = False
        self.server_label = "demo service, in-process" if settings.embedded else settings.server.url
        self.flow = Flow(self)
        # [keys] of the config: every screen's bindings, the key bar and F1 follow it. Set
        # before the first screen is made (get_default_screen).
        self.set_keymap(self.settings.keys)

    # ------------------------------------------------------------------ start and stop

    def get_default_screen(self) -> Screen[Any]:
        return self.flow.first_screen()

    def on_mount(self) -> None:
        if self.state_store.problem:
            self._state_problem_said = True
            self.notify(self.state_store.problem, severity="warning", timeout=10)
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)
        self.set_interval(30, self._check_idle)
        # The SSH connection dropped: leave cleanly (state is written atomically, so nothing tears).
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        if self.batch_endpoint is not None:
            await asyncio.to_thread(self.batch_endpoint.stop)

    # ------------------------------------------------------------------ shared services

    async def get_client(self) -> SevisClient:
        """The service client, opened on first use (call from a worker: it may seed a database)."""
        if self.client is None:
            self.client = await self._client_factory(self.settings)
        return self.client

    def demo_login(self) -> tuple[str, str] | None:
        """The demo user's ID and password when the app runs its embedded demo, else None."""
        if not self.settings.embedded:
            return None
        from sevis_tui.wiring.embedded import demo_credentials

        return demo_credentials()

    async def get_batch_endpoint(self) -> BatchEndpoint:
        """The batch interface of this environment (call from a worker: the demo starts its
        listener the first time). Raises BatchError when none is configured."""
        if self.batch_endpoint is None:
            from sevis_tui.wiring.batch_endpoint import open_batch_endpoint

            self.batch_endpoint = await asyncio.to_thread(
                open_batch_endpoint, self.settings, self.clock
            )
        return self.batch_endpoint

    def get_policy(self) -> Policy:
        """The offline rules (accepted issuers, expiry warning). Loaded once; call from a worker."""
        with self._policy_lock:
            if self._policy is None:
                self._policy = self._policy_factory(self.settings, self.clock)
            return self._policy

    def remember(self, **changes: Any) -> None:
        """Update the state file (last folder, last user ID, last login). Never a password."""
        for key, value in changes.items():
            setattr(self.state, key, value)
        if not self.state_store.save(self.state) and not self._state_problem_said:
            self._state_problem_said = True
            self.notify(self.state_store.problem or "", severity="warning", timeout=10)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        # A new screen paints once its first answer is in, not first with "Loading…" (and a
        # menu closing before the next screen opens does not repaint the screen between them):
        # each is a full screen of bytes over SSH. Headless (tests) there is no terminal.
        if not self.is_headless:
            self.delay_update(SCREEN_SETTLE_SECONDS)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A blinking cursor repaints its field twice a second, sending bytes over SSH while the
        # officer does nothing: a steady cursor costs nothing when idle.
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_file_browser_folder_changed(self, event: FileBrowser.FolderChanged) -> None:
        # Whichever screen browses, the folder is remembered for next time; the write syncs
        # to disk (slow on some home folders), so only when the folder really changed.
        folder = os.fsdecode(event.path)
        if folder != self.state.last_folder:
            self.remember(last_folder=folder)

    # ------------------------------------------------------------------ the session

    def logged_in(self, result: LoginResult) -> None:
        self.login = result
        self.touch()
        user = result.user
        self.session_lines = session_reminders(user.user_id, user.inactive_on)
        logins = dict(self.state.last_login)
        logins[user.user_id] = self.clock().isoformat(timespec="seconds")
        self.remember(last_user_id=user.user_id, last_login=logins)

    def logged_out(self) -> None:
        self.login = None
        self.session_lines = ()

    def touch(self) -> None:
        """Note activity with the service, which resets its 20-minute idle clock."""
        self._last_activity = time.monotonic()
        self._idle_warned = False

    def _check_idle(self) -> None:
        if self.login is None or self._idle_warned:
            return
        if time.monotonic() - self._last_activity >= IDLE_WARNING_SECONDS:
            self._idle_warned = True
            self.notify(
                "Your session ends after 20 idle minutes. Do something on this screen to keep it.",
                title="Session ending soon",
                severity="warning",
                timeout=60,
            )

    @on(Outcome)
    def _next_screen(self, outcome: Outcome) -> None:
        self.flow.after(outcome)

    # ------------------------------------------------------------------ keys that wait

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        namespace = self if default_namespace is None else default_namespace
        target, name, parameters = parse_action(self, action, namespace, namespaces)
        if target.check_action(name, parameters) is None:
            # The key bar shows this key dimmed: pressing it says why, never nothing at all.
            self._say_why_not(target, name)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _say_why_not(self, target: DOMNode, action: str) -> None:
        reason = ""
        for node in (target, *target.ancestors):
            if isinstance(node, ExplainsDimmedKeys):
                reason = node.why_not(action)
                if reason:
                    break
        reason = reason or "That key cannot be used yet on this screen."
        screen = self.screen
        if isinstance(screen, ShowsMessages):
            screen.message.show(reason, tone="info")
        else:
            self.notify(reason, timeout=5)

    # ------------------------------------------------------------------ palette and help

    def action_open_inspect(self) -> None:
        """Offline inspection: from the login screen, the palette, anywhere; no server needed."""
        self.flow.after(InspectionWanted())

    def action_open_certificate_tool(self, tool: str) -> None:
        """Request, Assemble or Extract, offline (the palette): the flow opens it."""
        self.post_message(CertificateToolWanted(tool))

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if (
            driver.__name__ == "LinuxDriver"
        ):  # not on Windows, nor a driver chosen by TEXTUAL_DRIVER
            from sevis_tui.tui.terminal_driver import driver_for

            return driver_for(self.glyphs)
        return driver

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if self.glyphs == "unicode":
            return shown
        return shown.replace("⏎", "Enter").replace("⌫", "Bksp")


if TYPE_CHECKING:

    def _fits_the_screens(app: SevisApp) -> Host:
        return app  # mypy: the app gives the screens all that tui/screens/host.py says they use


def session_reminders(user_id: str, inactive_on: date | None) -> tuple[str, ...]:
    if inactive_on is None:
        return (f"Logged in as {user_id}", user_id)
    day = formats.spoken_day(inactive_on)
    return (
        f"{user_id} · User ID active until {day} (log in at least every 45 days)",
        f"{user_id} · active until {day} (log in every 45 days)",
        f"{user_id} · active until {day}",
    )


def run_app(settings: Settings) -> int:
    SevisApp(settings, glyphs=glyph_mode(os.environ)).run(mouse=settings.ui.mouse)
    return 0

"""What the screens use of the app, as a Protocol: screens never import sevis_tui/tui/app.py.

The app (`SevisApp`) keeps what outlives a screen: the settings, the session, the service client,
the remembered state. A screen reaches it as `self.sevis`; mypy checks that the app fits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sevis_tui.settings.config import Settings, State

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient
    from sevis_tui.cert import Policy
    from sevis_tui.contract import LoginResult
    from sevis_tui.wiring.batch_endpoint import BatchEndpoint


class Host(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def state(self) -> State: ...

    @property
    def clock(self) -> Callable[[], datetime]:
        """Aware UTC time for everything dated; tests inject it."""
        ...

    @property
    def server_label(self) -> str: ...

    @property
    def login(self) -> LoginResult | None:
        """Who is logged in, or None."""
        ...

    @property
    def client(self) -> SevisClient | None:
        """The service client once opened (see get_client)."""
        ...

    async def get_client(self) -> SevisClient:
        """The service client, opened on first use (call from a worker)."""
        ...

    def demo_login(self) -> tuple[str, str] | None:
        """The demo user's ID and password when the app runs its embedded demo, else None."""
        ...

    async def get_batch_endpoint(self) -> BatchEndpoint:
        """The batch interface of this environment (call from a worker)."""
        ...

    def get_policy(self) -> Policy:
        """The offline rules; loaded once (call from a worker)."""
        ...

    def logged_in(self, result: LoginResult) -> None: ...

    def logged_out(self) -> None: ...

    def remember(self, *, last_folder: str) -> None:
        """Keep the folder for next time (the state file; never a secret)."""
        ...

    def touch(self) -> None:
        """Note activity with the service (it resets the 20-minute idle clock)."""
        ...

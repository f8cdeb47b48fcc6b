"""How long a client may take to send a request, and how many connections one address may hold.

uvicorn bounds the wait *between* requests (`timeout_keep_alive`) and the number of requests
in progress (`limit_concurrency`, answered 503), but not the time a client takes to send one:
a stranger who sends half a request line and stops holds the connection for ever, and a few
hundred of them hold the server. The registration API and the batch listener therefore run
uvicorn with a small subclass of its own h11 protocol (`Config(http=...)`, the supported way
to choose a protocol class) that adds:

- a read deadline: from the moment the server waits for a request (the connection is made, or
  the previous response is sent) until the request, head and body, has been read; a client
  slower than that is disconnected without a reply;
- a cap on the connections open at once from one client address: one more is closed at once.

Each server gets a class of its own (`protocol_class`), holding its limits and its count.
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class ConnectionLimits:
    read_timeout: float = 20.0  # seconds to send a whole request (head and body)
    per_client: int = 32  # connections open at once from one client address
    keep_alive: int = 5  # seconds a connection may idle between requests (uvicorn's)
    concurrency: int = 512  # connections and requests in all; beyond, uvicorn answers 503

    def uvicorn_options(self, base: type[GuardedH11Protocol] | None = None) -> dict[str, Any]:
        """The options of `uvicorn.Config` (or `uvicorn.run`) that apply these limits."""
        return {
            "http": protocol_class(self, base or GuardedH11Protocol),
            "timeout_keep_alive": self.keep_alive,
            "limit_concurrency": self.concurrency,
        }


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a read deadline and a per-address connection cap."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    open_by_client: ClassVar[collections.Counter[str]] = collections.Counter()

    _deadline: asyncio.TimerHandle | None = None
    _counted: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else ""
        if self.open_by_client[address] >= self.limits.per_client:
            transport.close()  # nothing said: the address already holds its share
            return
        self.open_by_client[address] += 1
        self._counted = address
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._counted is not None:
            self.open_by_client[self._counted] -= 1
            if self.open_by_client[self._counted] <= 0:
                del self.open_by_client[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in {h11.IDLE, h11.SEND_BODY}:
            self._disarm()  # the whole request is in (or the connection is ending)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state in {h11.IDLE, h11.SEND_BODY}:
            self._arm()  # waiting for the next request (or the rest of one answered early)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.limits.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol_class(
    limits: ConnectionLimits, base: type[GuardedH11Protocol] = GuardedH11Protocol
) -> type[GuardedH11Protocol]:
    """A protocol class for one server: `base` with these limits and a count of its own."""
    attributes = {"limits": limits, "open_by_client": collections.Counter()}
    return cast(type[GuardedH11Protocol], type(base.__name__, (base,), attributes))

"""Renew: from the near-expiry notice to registering the renewed certificate where the old one is.

The programs that hold the expiring certificate are known by its SHA-256 (`renewal.py`). Until
the several-programs flow exists (issue 14), Renew starts the one-program walk of Register for
Batch Processing (agreement, then upload) for the first of them; when it is done the Listing of
Programs reloads and its notice names the programs still holding the old certificate, so Renew
again goes on with the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen

from sevis_tui.renewal import Expiring, and_join
from sevis_tui.screens.outcomes import RegistrationChosen
from sevis_tui.widgets.key_line import bound_keys


def chosen(items: Sequence[Expiring], cursor: str | None) -> Expiring:
    """The expiring certificate of the program under the cursor, else the soonest to expire."""
    return next((item for item in items if cursor in item.numbers), items[0])


def start_renewal(screen: Screen[Any], items: Sequence[Expiring], cursor: str | None) -> None:
    """Say what Renew does, then ask the flow for Register for Batch Processing."""
    item = chosen(items, cursor)
    first, rest = item.programs[0], item.numbers[1:]
    after = ""
    if rest:
        holds = "holds" if len(rest) == 1 else "hold"
        key = bound_keys(screen).get("programs.renew", "Renew")
        after = f" Then {key} on the list goes on with {and_join(rest)}, which {holds} it too."
    screen.notify(
        f"Renewing for {first.number}: accept the agreement, then upload the renewed "
        f"certificate.{after}",
        title="Renew",
        timeout=8,
    )
    screen.post_message(RegistrationChosen(first.number, first.name))

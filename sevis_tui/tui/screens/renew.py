"""Renew: from the near-expiry notice to registering the renewed certificate where the old one is.

The programs that hold the expiring certificate are known by its SHA-256 (`workflows/renewal.py`).
Renew takes all of them at once into the several-programs path of Register for Batch Processing
(issue 14): the agreement once, with the list of programs, accepted for each; the renewed file
chosen once; the confirmation saying what each program replaces (the expiring certificate); one
upload per program and a results table. Programs the officer cannot register for (not RO/ARO,
not active) are left out and named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.screen import Screen

from sevis_tui.tui.screens.outcomes import ProgramsMarked
from sevis_tui.tui.screens.program_marks import why_not_markable
from sevis_tui.workflows.multi_register import Target
from sevis_tui.workflows.renewal import Expiring, and_join


def chosen(items: Sequence[Expiring], cursor: str | None) -> Expiring:
    """The expiring certificate of the program under the cursor, else the soonest to expire."""
    return next((item for item in items if cursor in item.numbers), items[0])


def start_renewal(screen: Screen[Any], items: Sequence[Expiring], cursor: str | None) -> bool:
    """Ask the flow to register the renewed certificate for every program holding the expiring
    one; False (and a notice saying why) when none of them can be registered for."""
    item = chosen(items, cursor)
    can = [program for program in item.programs if not why_not_markable(program)]
    cannot = [program.number for program in item.programs if program not in can]
    left_out = ""
    if cannot:
        verb = "is" if len(cannot) == 1 else "are"
        left_out = (
            f" {and_join(cannot)} {verb} left out: only active programs where you are RO or ARO "
            "register."
        )
    if not can:
        screen.notify(f"Nothing to renew here.{left_out}", title="Renew", severity="warning")
        return False
    numbers = and_join([program.number for program in can])
    screen.notify(
        f"Renewing for {numbers}: accept the agreement once for all, then choose the renewed "
        f"certificate.{left_out}",
        title="Renew",
        timeout=8,
    )
    targets = sorted((Target.of(program) for program in can), key=lambda t: t.number)
    screen.post_message(ProgramsMarked(targets))
    return True

"""Which registered certificates need renewing, and which programs hold each. No Textual.

Used by the Listing of Programs (the notice after login, days left, Renew) and by
`sevis-tui status`. A renewed certificate has a new key, so it must be registered again for
every program that holds the old one before its first batch (docs/domain.md, "Certificates").
The programs holding a certificate are found by its SHA-256, which the listing carries.

Days left are counted by `formats.days_left`, as `sevis-tui inspect` counts them; "within N days"
means fewer than N days left, as for the expires_soon finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sevis_tui.contract.models import ProgramSummary
from sevis_tui.text import formats

ACTIVE = "PROGRAM ACTIVE"  # only an active program can register (docs/domain.md)


def days_left(expires: dt.datetime, now: dt.datetime) -> int:
    return formats.days_left(expires, now)


def program_days_left(program: ProgramSummary, now: dt.datetime) -> int | None:
    """Days left on the program's registered certificate; None when it has none."""
    batch = program.batch
    if not batch.registered or batch.expires is None:
        return None
    return days_left(batch.expires, now)


def needs_attention(program: ProgramSummary, now: dt.datetime, within: int) -> str:
    """Why an active program needs its officer ("" when it does not, or is not active)."""
    if program.status != ACTIVE:
        return ""
    left = program_days_left(program, now)
    if left is None:
        return "no certificate is registered"
    if left < 0:
        return "its certificate has expired"
    if left < within:
        return f"its certificate expires in {left} day{'s' * (left != 1)}"
    return ""


@dataclass(frozen=True)
class Expiring:
    """One registered certificate near its end, and the active programs that hold it."""

    key: str  # the SHA-256, or the subject and expiry when the service gave no SHA-256
    subject: str
    expires: dt.datetime
    days_left: int
    programs: tuple[ProgramSummary, ...]

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(program.number for program in self.programs)


def certificate_key(program: ProgramSummary) -> str:
    batch = program.batch
    if batch.sha256:
        return batch.sha256
    return f"{batch.subject}|{batch.expires.isoformat() if batch.expires else ''}"


def expiring(programs: Sequence[ProgramSummary], now: dt.datetime, within: int) -> list[Expiring]:
    """The certificates of active programs with fewer than `within` days left (or expired),
    each once with every program holding it; the soonest first."""
    groups: dict[str, list[ProgramSummary]] = {}
    for program in programs:
        left = program_days_left(program, now)
        if program.status == ACTIVE and left is not None and left < within:
            groups.setdefault(certificate_key(program), []).append(program)
    found = []
    for key, holders in groups.items():
        batch = holders[0].batch
        assert batch.expires is not None  # program_days_left gave a number
        found.append(
            Expiring(
                key,
                batch.subject or "(unknown subject)",
                batch.expires,
                days_left(batch.expires, now),
                tuple(sorted(holders, key=lambda p: p.number)),
            )
        )
    return sorted(found, key=lambda item: (item.expires, item.key))


def holders(programs: Sequence[ProgramSummary], key: str) -> list[ProgramSummary]:
    """The active programs whose registered certificate is `key` (see certificate_key)."""
    return sorted(
        (
            p
            for p in programs
            if p.status == ACTIVE and p.batch.registered and certificate_key(p) == key
        ),
        key=lambda p: p.number,
    )


def left_phrase(left: int) -> str:
    if left < 0:
        return f"expired {-left} day{'s' * (left != -1)} ago"
    if left == 0:
        return "expires today"
    return f"{left} day{'s' * (left != 1)} left"


def and_join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def notice(items: Sequence[Expiring], renew_key: str) -> tuple[str, str]:
    """The notice after login (message, remedy) naming every program to renew for;
    `renew_key`: the key that renews, as the key bar shows it (the keymap may change it)."""
    parts = [f"{and_join(item.numbers)} ({left_phrase(item.days_left)})" for item in items]
    message = "Renew soon: the certificate registered for " + "; the one for ".join(parts) + "."
    remedy = (
        f"Get the renewed certificate from your vendor, then press {renew_key} to register it for "
        "each program that holds the old one."
    )
    return message, remedy

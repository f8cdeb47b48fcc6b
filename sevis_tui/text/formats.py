"""How sizes and dates are written, everywhere: screens, reports, printouts, messages. No Textual.

Dates are ISO (2027-03-01), which reads the same in every country, with the time zone said; the
one exception is the reminder under the title, which officers read as a sentence (16 Jan 2027).
"""

from __future__ import annotations

import math
import time
from datetime import date, datetime

DAY = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"
SPOKEN_DAY = "%d %b %Y"

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def day(moment: date) -> str:
    """2027-03-01"""
    return moment.strftime(DAY)


def minute_utc(moment: datetime) -> str:
    """2026-12-02 13:44 UTC, for a moment already in UTC (what the service and cert/ give)."""
    return f"{moment:{MINUTE}} UTC"


def minute_here(moment: datetime) -> str:
    """2026-12-02 14:44 CET: a moment in this machine's time zone, named (printouts)."""
    return moment.strftime(f"{MINUTE} %Z").strip()


def file_time(timestamp: float) -> str:
    """A file's modification time in this machine's time zone, as `ls -l` would think of it."""
    return time.strftime(MINUTE, time.localtime(timestamp))


def spoken_day(moment: date) -> str:
    """16 Jan 2027"""
    return moment.strftime(SPOKEN_DAY)


def days_left(until: datetime, now: datetime) -> int:
    """Days left until `until` (a certificate's notAfter), the one count every screen, report
    and command shows: rounded to the nearest day, so a certificate that ends twelve days from
    now at this hour (a few minutes earlier, or with `now`'s microseconds past its second) has
    12 days left, not 11; 0 in its last half day; negative (-1 or less) once it has ended."""
    days = (until - now).total_seconds() / 86400
    return math.floor(days + 0.5) if days >= 0 else math.floor(days)


def counted(count: int, noun: str, plural: str = "") -> str:
    """1 program, 2 programs, 0 programs (`plural` when it is not `noun` + s)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def size(count: int) -> str:
    """512 bytes, 1.3 KiB, 4.0 MiB: units of 1024, named as such."""
    if count < 1024:
        return "1 byte" if count == 1 else f"{count} bytes"
    value = float(count)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            break
    return f"{value:.1f} {unit}"

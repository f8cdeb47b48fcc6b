"""What the service runs on, given by whoever starts it: the service reads no settings.

`wiring/local_service.py` builds it from the app's settings for `sevis-tui serve`, the app's
embedded demo and the demo's batch listener; tests build it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.service.store import Clock, utc_now

if TYPE_CHECKING:
    from sevis_tui.cert import Policy


@dataclass(frozen=True)
class ServiceConfig:
    database: Path | str  # the SQLite file, created and migrated as needed
    policy: Policy  # the certificate rules: accepted issuers (the demo's too), size limit
    clock: Clock = utc_now  # aware UTC datetimes; tests pass their own to move time
    demo: bool = False  # seed the demo programs, officials and user
    demo_programs: int = 0  # that many more active programs with the demo user as RO
    busy_timeout: float = 5.0  # seconds a write waits for SQLite's lock

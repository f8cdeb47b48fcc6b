"""Refusals of connections without a usable client certificate, counted, not logged one by one.

Anyone who can reach the listener can make such a refusal, as fast as they like, and choose
the user ID it would be written under. So each client address gets one audit row per interval
(a minute by default, on the service's clock), whose detail carries the count; the user ID
the stranger sent is not written at all.
"""

from __future__ import annotations

import datetime as dt

from sevis_tui.service.accounts import audit
from sevis_tui.service.batch.replies import BatchRefusal
from sevis_tui.service.store import Tx, stamp

DEFAULT_INTERVAL = dt.timedelta(minutes=1)


class RefusalTally:
    """One audit row per client address and interval; call `record` inside a write."""

    def __init__(self, interval: dt.timedelta = DEFAULT_INTERVAL) -> None:
        self.interval = interval
        # (client address, interval number) -> (audit row id, refusals counted)
        self.rows: dict[tuple[str, int], tuple[int, int]] = {}

    def record(
        self,
        tx: Tx,
        now: dt.datetime,
        client: str,
        action: str,
        refusal: BatchRefusal,
    ) -> None:
        step = self.interval.total_seconds()
        number = int(now.timestamp() // step)
        key = (client, number)
        row, count = self.rows.get(key, (0, 0))
        count += 1
        start = dt.datetime.fromtimestamp(number * step, dt.UTC)
        detail = (
            f"{refusal.code}: {count} request{'s' * (count != 1)} without a usable client "
            f"certificate from {client[:64]} since {stamp(start)} (the first: {action})"
        )
        updated = (
            row and tx.execute("UPDATE audit SET detail = ? WHERE id = ?", (detail, row)).rowcount
        )
        if not updated:  # the first of the interval, or its row was rolled back
            row = audit(tx, now, "", action, refusal.reason, detail=detail)
        # Only the current interval is kept: older rows are final.
        self.rows = {k: v for k, v in self.rows.items() if k[1] >= number}
        self.rows[key] = (row, count)

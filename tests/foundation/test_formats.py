"""One way to write a size and a date, wherever the app, the reports and the printouts show one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sevis_tui.cert.reading import too_large_finding
from sevis_tui.text import formats


def test_sizes_are_in_units_of_1024_named_as_such() -> None:
    assert formats.size(0) == "0 bytes"
    assert formats.size(1) == "1 byte"
    assert formats.size(1023) == "1023 bytes"
    assert formats.size(1536) == "1.5 KiB"
    assert formats.size(5 * 1024 * 1024) == "5.0 MiB"
    assert formats.size(3 << 40) == "3.0 TiB"
    assert formats.size(5 << 50) == "5120.0 TiB"
    # The certificate engine says sizes the same way as the file browser.
    assert "2.0 MiB, larger than the 1.0 MiB limit" in too_large_finding(2 << 20, 1 << 20).message


def test_dates_are_iso_with_their_time_zone_said() -> None:
    moment = datetime(2027, 3, 1, 9, 5, tzinfo=UTC)
    assert formats.day(moment) == "2027-03-01"
    assert formats.day(date(2028, 2, 29)) == "2028-02-29"
    assert formats.minute_utc(moment) == "2027-03-01 09:05 UTC"
    east = timezone(timedelta(hours=1), "CET")
    assert formats.minute_here(moment.astimezone(east)) == "2027-03-01 10:05 CET"
    assert formats.spoken_day(date(2027, 1, 16)) == "16 Jan 2027"


def test_days_left_rounds_to_the_nearest_day() -> None:
    now = datetime(2026, 12, 7, 14, 5, 56, 139328, tzinfo=UTC)
    # Twelve days from now at the same hour (a certificate's notAfter has no microseconds).
    assert formats.days_left(datetime(2026, 12, 19, 14, 5, 56, tzinfo=UTC), now) == 12
    assert formats.days_left(datetime(2026, 12, 19, 14, 0, tzinfo=UTC), now) == 12
    assert formats.days_left(now + timedelta(days=12), now) == 12
    assert formats.days_left(now + timedelta(days=12, hours=11), now) == 12
    assert formats.days_left(now + timedelta(days=12, hours=13), now) == 13
    assert formats.days_left(now + timedelta(hours=13), now) == 1
    assert formats.days_left(now + timedelta(minutes=5), now) == 0  # its last half day
    assert formats.days_left(now, now) == 0
    assert formats.days_left(now - timedelta(seconds=1), now) == -1  # ended: negative
    assert formats.days_left(now - timedelta(days=3), now) == -3

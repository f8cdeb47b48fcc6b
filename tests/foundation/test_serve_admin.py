"""`serve admin add-program` without --designated-until: five years on, even from 29 February."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from sevis_tui.cli import main
from sevis_tui.commands import serve, serve_admin


def test_years_later_clamps_29_february() -> None:
    assert serve.years_later(dt.date(2028, 2, 29), 5) == dt.date(2033, 2, 28)
    assert serve.years_later(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)
    assert serve.years_later(dt.date(2026, 11, 28), 5) == dt.date(2031, 11, 28)


def test_add_program_on_29_february(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    leap_day = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(serve_admin, "_now", lambda: leap_day)
    database = tmp_path / "org.db"
    words = ["--name", "n", "--sponsor", "s", "--street", "1 Main St", "--city", "c"]
    words += ["--state", "MN", "--zip", "55057", "--db", str(database)]
    assert main(["serve", "admin", "add-program", "P-1-12345", *words]) == 0, capsys.readouterr()
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT designated_from, designated_to FROM programs WHERE number = 'P-1-12345'"
        ).fetchone()
    assert row == ("2028-02-29", "2033-02-28")

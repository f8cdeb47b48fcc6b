"""Where the terminal's echo of keys typed before the start ended (tui/terminal_driver.py)."""

from __future__ import annotations

import pytest

from sevis_tui.tui.terminal_driver import echoed_rows


@pytest.mark.parametrize(
    ("typed", "rows"),
    [
        ("", 0),
        ("jsmith6544", 0),
        ("jsmith6544\tSevisDemo#2026\n", 2),  # wraps once (20 columns), then the newline
        ("x" * 20, 0),  # exactly a row: the cursor waits at its end
        ("x" * 21, 1),  # one more wraps
        ("\x1b[A", 0),  # shown as ^[[A: four columns
        ("abc\n\ndef", 2),
        ("\t" * 5, 0),  # tabs stop at the last column
    ],
)
def test_echoed_rows(typed: str, rows: int) -> None:
    assert echoed_rows(typed, 20) == rows

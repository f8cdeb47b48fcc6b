"""Snapshots of the file browser at 80x24 and 120x40, on a folder with fixed names and dates."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from .browser_app import PEM, BrowserApp, settle

# A fixed path: the path bar is part of the picture. So these tests run in one pytest-xdist
# worker, one after the other (`--dist loadgroup` in the Makefile), never side by side.
SNAPSHOT_FOLDER = Path("/tmp/sevis-tui-widget-snapshots/Certificates")
pytestmark = pytest.mark.xdist_group("fixed-snapshot-folder")
FIXED_TIME = 1_767_225_600  # 2026-01-01 00:00 UTC


@pytest.fixture
def fixed_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    shutil.rmtree(SNAPSHOT_FOLDER.parent, ignore_errors=True)
    root = SNAPSHOT_FOLDER
    root.mkdir(parents=True)
    for name in ("archive", "2025 renewals"):
        (root / name).mkdir()
    files = {
        "jsmith6544.cer": PEM,
        "jsmith6544-chain.p7b": b"\x00binary",
        "batch-key.pem": PEM,
        "looks-like-pem.txt": PEM,
        "notes.txt": b"renew before March\n" * 40,
        "[red]not markup[bold]": b"x",
        ".ssh-config.pem": PEM,
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    os.mkfifo(root / "pipe")
    (root / "old-link.pem").symlink_to(root / "gone.pem")
    for index, path in enumerate(sorted(root.iterdir())):
        stamp = FIXED_TIME + index * 3600
        os.utime(path, (stamp, stamp), follow_symlinks=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield root
    monkeypatch.undo()
    time.tzset()
    shutil.rmtree(SNAPSHOT_FOLDER.parent, ignore_errors=True)


async def _settled(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, BrowserApp)
    await settle(app, pilot)


def test_browser_80x24(fixed_folder: Path, snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(
        BrowserApp(fixed_folder), terminal_size=(80, 24), run_before=_settled, press=["down"]
    )


def test_browser_120x40_filtered_with_hidden(
    fixed_folder: Path, snap_compare: Callable[..., bool]
) -> None:
    assert snap_compare(
        BrowserApp(fixed_folder),
        terminal_size=(120, 40),
        run_before=_settled,
        press=[".", "slash", "p", "e", "m"],
    )

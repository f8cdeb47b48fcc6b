"""Isolate every test from the officer's real config, state, data, home and environment."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG folders and HOME under tmp_path; no SEVIS_TUI_* setting or NO_COLOR leaks in.

    Subprocesses given `{**os.environ, ...}` inherit this isolation too.
    """
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    # Named, not made: the tests that use a home folder make it (and fill it) themselves.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in list(os.environ):
        if name.startswith("SEVIS_TUI_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def immutable_folder(isolated_home: Path) -> Iterator[Path]:
    """A folder nobody can write into, root included (chattr +i), if the system allows."""
    folder = isolated_home / "immutable"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], check=False).returncode:
        pytest.skip("cannot make a folder read-only here (no chattr +i)")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=False)

"""App tests: a temp home for config, state and data; the embedded demo service; demo files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from msgspec.structs import replace

from sevis_tui.settings.config import Settings, load_settings


@pytest.fixture
def home(isolated_home: Path) -> Path:
    """tests/conftest.py's per-test folder, with the HOME folder it names made."""
    (isolated_home / "home").mkdir()
    return isolated_home


@pytest.fixture
def demo_dir(home: Path) -> Path:
    """The demo certificate files, written by the real `sevis-tui demo-certs` command."""
    from sevis_tui.cli import main

    folder = home / "home" / "certs"
    assert main(["demo-certs", str(folder)]) == 0
    return folder


@pytest.fixture
def settings(home: Path, demo_dir: Path) -> Iterator[Settings]:
    base = load_settings()
    yield replace(
        base,
        browser=replace(base.browser, start_folder=str(demo_dir)),
        ui=replace(base.ui, print_folder=str(home / "prints")),
    )


@pytest.fixture
def plain_settings(home: Path) -> Settings:
    """Settings without demo files (for screens that do not browse)."""
    base = load_settings()
    return replace(base, ui=replace(base.ui, print_folder=str(home / "prints")))

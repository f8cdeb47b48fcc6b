"""`files.write_atomic`: the mode is set before the first byte, and failures leave nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sevis_tui.cli import main
from sevis_tui.storage.atomic import write_atomic


def test_mode_is_set_before_the_data_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[int] = []
    real_fsync = os.fsync

    def spy(descriptor: int) -> None:
        modes.append(stat.S_IMODE(os.fstat(descriptor).st_mode))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", spy)
    old_umask = os.umask(0)  # the loosest umask: nothing but write_atomic keeps it private
    try:
        write_atomic(tmp_path / "new" / "key.pem", b"secret", 0o600)
    finally:
        os.umask(old_umask)
    assert modes == [0o600]
    assert stat.S_IMODE((tmp_path / "new" / "key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_failure_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()  # renaming a file over a folder fails
    with pytest.raises(OSError):
        write_atomic(tmp_path / "taken", b"data", 0o644)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_demo_certs_key_files_are_private(isolated_home: Path) -> None:
    target = isolated_home / "demo"
    assert main(["demo-certs", str(target)]) == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in target.iterdir()}
    private = {name for name, mode in modes.items() if mode == 0o600}
    assert private == {"with-private-key.pem", "jsmith6544.p12"}
    assert not [p for p in target.iterdir() if p.name.startswith(".")]


def test_without_overwrite_an_existing_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "jsmith6544.key"
    write_atomic(target, b"first", 0o600, overwrite=False)
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second", 0o600, overwrite=False)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["jsmith6544.key"]  # no temporary left
    write_atomic(target, b"third", 0o600)
    assert target.read_bytes() == b"third"

"""Bad paths: each gets a clear finding quickly, and nothing blocks or raises."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sevis_tui.cert import FileReport, Policy, inspect_bytes, inspect_path, reading, scan_file
from sevis_tui.cert.factory import der, pem


def codes(report: FileReport) -> set[str]:
    return {f.code for f in report.findings}


def test_fifo_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pem"
    os.mkfifo(fifo)
    started = time.monotonic()
    report = inspect_path(fifo, Policy())
    assert time.monotonic() - started < 1
    assert codes(report) == {"not_a_file"}
    assert "named pipe" in report.findings[0].message
    assert scan_file(fifo, Policy()) is None


def test_character_device() -> None:
    report = inspect_path("/dev/null", Policy())
    assert codes(report) == {"not_a_file"}
    assert "character device" in report.findings[0].message


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    yield path
    server.close()


def test_socket(unix_socket: Path) -> None:
    report = inspect_path(unix_socket, Policy())
    assert "socket" in report.findings[0].message


def test_symlink_loop_and_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    loop = inspect_path(tmp_path / "a", Policy())
    assert codes(loop) == {"unreadable"} and "loops" in loop.findings[0].message
    (tmp_path / "dangling").symlink_to(tmp_path / "nothing")
    dangling = inspect_path(tmp_path / "dangling", Policy())
    assert "does not exist" in dangling.findings[0].message


def test_directory_given_as_file(tmp_path: Path) -> None:
    report = inspect_path(tmp_path, Policy())
    assert codes(report) == {"not_a_file"} and "folder" in report.findings[0].message


def test_missing_file(tmp_path: Path) -> None:
    assert codes(inspect_path(tmp_path / "nope.cer", Policy())) == {"not_found"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path, pki: Any) -> None:
    path = tmp_path / "locked.pem"
    path.write_bytes(pem(pki.person().certificate))
    path.chmod(0)
    report = inspect_path(path, Policy())
    assert codes(report) == {"unreadable"} and "permission denied" in report.findings[0].message


def test_large_sparse_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.cer"
    with open(path, "wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GiB, sparse: costs no disk
    started = time.monotonic()
    report = inspect_path(path, Policy())
    assert time.monotonic() - started < 1
    assert codes(report) == {"too_large"} and "2.0 GiB, larger than" in report.findings[0].message


def test_cap_is_configurable(tmp_path: Path, pki: Any) -> None:
    path = tmp_path / "c.der"
    data = der(pki.person().certificate)
    path.write_bytes(data)
    over = inspect_path(path, Policy(max_bytes=len(data) - 1))
    assert codes(over) == {"too_large"}
    assert "too_large" not in codes(inspect_path(path, Policy(max_bytes=len(data))))
    # The same bytes uploaded get the same finding, word for word.
    assert inspect_bytes(data, Policy(max_bytes=len(data) - 1)).findings == over.findings


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pem"
    path.touch()
    assert codes(inspect_path(path, Policy())) == {"empty_file"}


def test_non_utf8_file_name(tmp_path: Path, pki: Any) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.pem"
    with open(raw, "wb") as handle:
        handle.write(pem(pki.person().certificate) + pem(pki.intermediate.certificate))
    report = inspect_path(raw, pki.policy)
    assert report.ok, report.findings
    assert report.name == os.fsdecode(raw)
    assert "\udce9" in report.name  # undecodable byte kept as a surrogate escape


def test_map_reports_in_workers_matches_serial(tmp_path: Path, pki: Any) -> None:
    from sevis_tui.cert.parallel_inspect import map_reports

    for index in range(20):
        (tmp_path / f"{index:02d}.pem").write_bytes(
            pem(pki.person().certificate) if index % 2 else b"x"
        )
    items = [(tmp_path / f"{index:02d}.pem", index % 4 == 0) for index in range(20)]

    def verdict(report: FileReport) -> tuple[str, bool]:
        return Path(report.name).name, report.ok

    serial = list(map_reports(items, pki.policy, verdict, jobs=1))
    parallel = list(map_reports(items, pki.policy, verdict, jobs=2, chunk=3))
    assert serial == parallel
    assert serial[0] == ("00.pem", False) and serial[2] is None and serial[1] == ("01.pem", False)


def _stale_size(monkeypatch: pytest.MonkeyPatch, reported_size: int) -> None:
    """stat and fstat report an old size, as for a file still being written (or in /proc)."""
    real_stat, real_fstat = os.stat, os.fstat

    def stale(result: os.stat_result) -> os.stat_result:
        fields = list(result)
        fields[6] = reported_size  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(reading.os, "stat", lambda path: stale(real_stat(path)))
    monkeypatch.setattr(reading.os, "fstat", lambda descriptor: stale(real_fstat(descriptor)))


def test_file_longer_than_its_reported_size_is_read_whole(
    tmp_path: Path, pki: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.pem"
    data = pem(pki.person().certificate) + pem(pki.intermediate.certificate)
    path.write_bytes(data)
    _stale_size(monkeypatch, 10)
    assert reading.read_path(path, 1024 * 1024).data == data


def test_file_grown_past_the_cap_after_stat_is_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grown.cer"
    path.write_bytes(b"\x30" * 200_000)
    _stale_size(monkeypatch, 100)
    result = reading.read_path(path, 150_000)
    assert result.data is None and [f.code for f in result.findings] == ["too_large"]

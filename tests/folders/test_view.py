"""FolderView: which entries are shown, and what the status line and empty list say."""

from __future__ import annotations

from pathlib import Path

from sevis_tui.folders.listing import fill_details, scan_folder
from sevis_tui.folders.view import FolderView


def test_rules_filter_counts_and_messages(tmp_path: Path) -> None:
    for name in ("a.pem", "b.txt", "cab.txt", ".hidden.pem"):
        (tmp_path / name).write_text("x")
    (tmp_path / "inside.bin").write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    listing = scan_folder(str(tmp_path), [".pem"])
    view = FolderView()
    view.reading = True
    assert view.status_text() == "Reading…" and view.empty_text() == "Reading…"
    view.set_entries(listing.entries)
    assert view.status_text() == "Reading… 5 entries so far"
    view.reading = False
    view.checking_contents = True
    assert [e.name for e in view.apply()] == ["a.pem", "b.txt", "cab.txt", "inside.bin"]
    assert view.status_text() == "4 of 5 shown · 1 certificate file · checking contents…"
    fill_details(str(tmp_path), listing.entries)
    view.checking_contents = False
    view.invalidate()
    assert view.status_text() == "4 of 5 shown · 2 certificate files"
    view.filter_text = "B"
    assert [e.name for e in view.apply()] == ["b.txt", "cab.txt", "inside.bin"]
    view.filter_text = "B.T"  # narrows the rows already shown
    assert [e.name for e in view.apply()] == ["b.txt", "cab.txt"]
    view.filter_text = "zz"
    assert view.apply() == []
    assert view.empty_text().startswith("Nothing matches “zz”")
    view.filter_text = ""
    view.certificates_only = view.show_hidden = True
    view.invalidate()
    assert [e.name for e in view.apply()] == [".hidden.pem", "a.pem", "inside.bin"]
    assert view.status_text() == (
        "3 of 5 shown · 3 certificate files · certificates only (^t: all) · hidden shown"
    )


def test_empty_list_messages() -> None:
    view = FolderView()
    assert view.empty_text() == "This folder is empty."

"""The Textual-free part of the browser: reading, sniffing, sorting, filtering, completing."""

from __future__ import annotations

import os
from pathlib import Path

from sevis_tui.cert.factory import der, make_ca, make_personal, pem, pkcs7, pkcs12
from sevis_tui.cert.loading import looks_like_certificate_file
from sevis_tui.folders.listing import (
    CertMark,
    Kind,
    complete_path,
    display_name,
    fill_details,
    filter_entries,
    scan_folder,
    sniff_file,
)


def test_display_name_replaces_bad_bytes_and_control_characters() -> None:
    assert display_name("plain.pem") == "plain.pem"
    assert display_name(os.fsdecode(b"caf\xe9")) == "caf\ufffd"
    assert display_name("a\x1b[2Jb\x07\x7f") == "a␛[2Jb␇␡"
    assert display_name("\u0085x") == "\ufffdx"
    assert display_name("naïve [b]x[/b] 証明書") == "naïve [b]x[/b] 証明書"
    assert display_name("cert\u202etxt.pem\u2028") == "cert\ufffdtxt.pem\ufffd"


def test_certificate_files_are_recognised_by_content(tmp_path: Path) -> None:
    issuer = make_ca("Sniff CA")
    person = make_personal(issuer)
    samples = {
        "cert.pem": pem(person.certificate),
        "cert.der": der(person.certificate),
        "bundle.p7b": pkcs7([person.certificate], der=True),
        "bundle.p12": pkcs12(person, b"secret"),
        "bag.txt": b"Bag Attributes\n  localKeyID: 01\n" + pem(person.certificate),
    }
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
        mark, size, _, error = sniff_file(str(tmp_path / name))
        assert (mark, size, error) == (CertMark.BY_CONTENT, len(data), ""), name
    assert not looks_like_certificate_file(b"hello world", 11)
    assert not looks_like_certificate_file(b"\x30\x82\x01\x00\x30", 9000)  # length disagrees
    assert not looks_like_certificate_file(b"", 0)
    assert not looks_like_certificate_file(b"0123456789 notes, not DER\n" * 4)  # text: "0" is 0x30
    whole = der(person.certificate)
    assert looks_like_certificate_file(whole[:100], len(whole))  # only the start was read
    assert looks_like_certificate_file(whole[: len(whole) // 2])  # cut short: still reported
    assert looks_like_certificate_file(b"\x30\x80\x06\x09" + b"\x00" * 60)  # BER PKCS#7
    (tmp_path / "big.pem").write_bytes(b"-----BEGIN " + b"x" * (2 << 20))
    assert sniff_file(str(tmp_path / "big.pem"))[0] is CertMark.NO


def test_scan_marks_sorts_and_fills_details(tmp_path: Path) -> None:
    (tmp_path / "b-folder").mkdir()
    (tmp_path / "A-folder").mkdir()
    (tmp_path / "named.CER").write_bytes(b"anything")
    (tmp_path / "content").write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    (tmp_path / "Readme").write_text("hello")
    (tmp_path / "readme").write_text("hello")
    os.mkfifo(tmp_path / "pipe.pem")
    listing = scan_folder(str(tmp_path), [".cer", ".pem"])
    assert listing.error == ""
    names = [entry.name for entry in listing.entries]
    assert names == ["A-folder", "b-folder", "content", "named.CER", "pipe.pem", "Readme", "readme"]
    marks = {entry.name: entry.cert for entry in listing.entries}
    assert marks["named.CER"] is CertMark.BY_NAME
    assert marks["content"] is CertMark.UNKNOWN  # contents are read later, off the UI thread
    assert marks["pipe.pem"] is CertMark.NO  # a FIFO is never a certificate file
    fill_details(str(tmp_path), listing.entries)
    by_name = {entry.name: entry for entry in listing.entries}
    assert by_name["content"].cert is CertMark.BY_CONTENT
    assert by_name["Readme"].size == 5 and by_name["Readme"].mtime is not None
    assert by_name["pipe.pem"].kind is Kind.FIFO and by_name["pipe.pem"].size is None


def test_scan_errors_are_one_line_with_a_remedy(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    missing = scan_folder(str(tmp_path / "nope"))
    assert missing.entries == [] and "no longer exists" in missing.error
    assert "is not a folder" in scan_folder(str(tmp_path / "file")).error
    for error in (missing.error,):
        assert "\n" not in error


def test_filter_is_case_insensitive_on_the_shown_name(tmp_path: Path) -> None:
    for name in ("Alpha.PEM", "beta.txt", ".hidden.pem", "gamma.cer"):
        (tmp_path / name).write_text("x")
    os.close(os.open(os.fsencode(tmp_path) + b"/\xffodd.pem", os.O_CREAT | os.O_WRONLY))
    entries = scan_folder(str(tmp_path), [".pem", ".cer"]).entries
    labels = [entry.label for entry in filter_entries(entries, "pem")]
    assert labels == ["Alpha.PEM", "\ufffdodd.pem"]
    assert [e.label for e in filter_entries(entries, "PEM", show_hidden=True)] == [
        ".hidden.pem",
        "Alpha.PEM",
        "\ufffdodd.pem",
    ]
    assert [e.label for e in filter_entries(entries, "", certificates_only=True)] == [
        "Alpha.PEM",
        "gamma.cer",
        "\ufffdodd.pem",
    ]


def test_complete_path(tmp_path: Path) -> None:
    (tmp_path / "certificates").mkdir()
    (tmp_path / "cert.pem").write_text("x")
    (tmp_path / "other").write_text("x")
    completed, matches = complete_path(str(tmp_path / "ce"))
    assert completed == str(tmp_path / "cert")
    assert matches == ["cert.pem", "certificates" + os.sep]
    completed, matches = complete_path(str(tmp_path / "certi"))
    assert completed == str(tmp_path / "certificates") + os.sep
    assert complete_path(str(tmp_path / "zzz")) == (str(tmp_path / "zzz"), [])
    assert complete_path(str(tmp_path / "missing" / "x")) == (str(tmp_path / "missing" / "x"), [])


def test_a_large_folder_sends_a_first_sorted_batch(tmp_path: Path) -> None:
    for index in range(30):
        (tmp_path / f"n{index:02d}").write_text("x")
    batches: list[list[str]] = []
    listing = scan_folder(
        str(tmp_path),
        first_batch=lambda entries: batches.append([entry.name for entry in entries]),
        first_batch_size=10,
    )
    [batch] = batches
    assert len(batch) == 10 and batch == sorted(batch)
    assert len(listing.entries) == 30

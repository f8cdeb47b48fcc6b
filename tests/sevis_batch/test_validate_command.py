"""`sevis-tui batch validate` and `batch results`, offline: generated batch files, valid and
broken one rule at a time, and every kind of bad input as one clear finding."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sevis_tui.cli import main
from sevis_tui.sevis_batch import translog
from sevis_tui.sevis_batch.sample import amend, batch_file, create, sample_batch

PROGRAM, USER, BATCH = "P-1-00001", "jsmith6544", "----kynEn47azQ"


def valid() -> bytes:
    creates = [create("1", USER), create("2", USER), create("1-1-59081", USER)]
    return batch_file(
        BATCH, PROGRAM, USER, creates, [amend("4", USER, "N0000000001", "2027-01-01", "2027-02-01")]
    )


def run(tmp_path: Path, data: bytes, *options: str) -> tuple[int, str]:
    path = tmp_path / "batch.xml"
    path.write_bytes(data)
    return main(["batch", "validate", str(path), *options]), ""


def validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, *options: str
) -> tuple[int, str]:
    path = tmp_path / "batch.xml"
    path.write_bytes(data)
    code = main(["batch", "validate", str(path), *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_valid_file_exits_0_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = validate(tmp_path, capsys, valid(), "--program", PROGRAM, "--user-id", USER)
    assert code == 0, out
    assert f"Batch {BATCH} for {PROGRAM} from {USER}: 4 records (3 CreateEV, 1 UpdateEV)." in out
    assert "Valid:" in out


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        (
            b"<BirthDate>1990-05-01",
            b"<BirthDate>1962-13-01",
            "invalid_value",
            "line 53, ExchangeVisitor 3 (requestID 1-1-59081), Biographical/BirthDate: "
            "`1962-13-01` is not a date (YYYY-MM-DD).",
        ),
        (b"<Gender>F", b"<Gender>X", "not_a_code", "`X` is not a code SEVIS knows here"),
        (
            b"<CategoryCode>1A</CategoryCode>",
            b"",
            "unexpected_element",
            "SubjectField: this element is not expected here (expected: CategoryCode)",
        ),
        (
            b'sevisID="N0000000001"',
            b'sevisID="123"',
            "wrong_form",
            "@sevisID: `123` is not a SEVIS ID (N and 10 digits)",
        ),
        (
            b"<BatchID>----kynEn47azQ",
            b"<BatchID>----kynEn47az",
            "wrong_length",
            "BatchHeader/BatchID: its value has 13 characters; it must have exactly 14",
        ),
        (
            b'<SEVISBatchCreateUpdateEV userID="jsmith6544"',
            b'<SEVISBatchCreateUpdateEV userID="js"',
            "wrong_length",
            "SEVISBatchCreateUpdateEV/@userID: `js` has 2 characters",
        ),
        (b' printForm="false">', b">", "missing_attribute", "@printForm: the required attribute"),
        (
            b"<OrgID>P-1-00001",
            b"<OrgID>P-1-00002",
            "program_mismatch",
            "BatchHeader/OrgID: the file says `P-1-00002`, but the program sent is `P-1-00001`",
        ),
    ],
)
def test_each_broken_rule_is_one_finding_in_plain_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: bytes,
    new: bytes,
    code: str,
    words: str,
) -> None:
    data = valid()
    assert old in data
    broken = data.replace(old, new, 3 if old.startswith(b"<BirthDate>") else 1)
    if old.startswith(b"<BirthDate>"):  # only the third record's
        broken = data.replace(old, b"<BirthDate>1990-05-01", 2)
        first, last = broken.rsplit(old, 1)
        broken = first + new + last
    status, out = validate(tmp_path, capsys, broken, "--program", PROGRAM, "--json")
    assert status == 1
    body = json.loads(out)
    assert [finding["code"] for finding in body["findings"]] == [code]
    assert words in body["findings"][0]["message"]
    assert body["findings"][0]["remedy"] and body["findings"][0]["line"] > 0
    assert "{http" not in out and "facet" not in out  # not libxml2's raw words


TOO_MANY = (
    f'<SEVISBatchCreateUpdateEV userID="{USER}"><BatchHeader><BatchID>{BATCH}</BatchID>'
    f"<OrgID>{PROGRAM}</OrgID></BatchHeader><CreateEV>"
    + '<ExchangeVisitor requestID="1"/>\n' * 10_000
    + "</CreateEV></SEVISBatchCreateUpdateEV>"
).encode()


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"PK\x03\x04 a zip, not XML", "not_xml", "is not XML"),
        (b"", "not_xml", "is empty"),
        (
            b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>',
            "doctype_refused",
            "DOCTYPE",
        ),
        (
            b'<!DOCTYPE r [<!ENTITY s SYSTEM "file:///etc/passwd">]><r>&s;</r>',
            "doctype_refused",
            "DOCTYPE",
        ),
        (TOO_MANY, "too_many_records", "10000 records; a batch holds at most 250"),
        (
            sample_batch(BATCH, PROGRAM, USER).replace(b"CreateUpdateEV", b"CreateUpdateStudent"),
            "wrong_root",
            "a student batch",
        ),
        (sample_batch(BATCH, "P-1-00002", USER), "program_mismatch", "P-1-00002"),
        (
            sample_batch(BATCH, PROGRAM, USER).replace(b"Madrid", b"Madr\xe9d"),
            "not_utf8",
            "not valid UTF-8",
        ),
        (sample_batch(BATCH, PROGRAM, USER)[:-60], "truncated", "ends before"),
        (sample_batch(BATCH, PROGRAM, USER)[:-1000], "truncated", "ends before"),
        ("<r/>".encode("utf-16"), "not_utf8", "UTF-16"),
    ],
)
def test_bad_input_is_one_clear_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, code: str, words: str
) -> None:
    status, out = validate(tmp_path, capsys, data, "--program", PROGRAM, "--json")
    assert status == 1
    body = json.loads(out)
    assert [finding["code"] for finding in body["findings"]] == [code]
    assert words in body["findings"][0]["message"]


def test_a_50_mb_file_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written
    assert main(["batch", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "larger than 8 MiB" in out and "Split the records" in out


def test_a_fifo_or_a_device_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        assert main(["batch", "validate", path]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "not a file" in err


def test_results_reads_a_log_zip_and_says_when_a_log_does_not_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = translog.TransactionLog(
        BATCH,
        PROGRAM,
        False,
        "BETA",
        "S0000",
        "2027-01-01T10:00:00",
        "a.xml",
        "S0005",
        "2027-01-01T10:05:00",
        [
            translog.RecordResult(
                "1", "N0000000007", USER, True, processed_at="2027-01-01T10:05:00"
            ),
            translog.RecordResult(
                "2", "", USER, False, "S1234", "Bad dates", "2027-01-01T10:05:00"
            ),
        ],
        "S0000",
    )
    archive = tmp_path / "log.zip"
    archive.write_bytes(translog.zipped(translog.write(log)))
    assert main(["batch", "results", str(archive)]) == 1  # a record failed
    out = capsys.readouterr().out
    assert (
        "Batch ----kynEn47azQ for P-1-00001 (BETA): upload S0000 accepted; processed (S0005)" in out
    )
    assert "N0000000007" in out and "S1234 Bad dates" in out

    broken = tmp_path / "log.xml"
    broken.write_bytes(translog.write(log).replace(b'status="true"', b'status="yes"'))
    assert main(["batch", "results", str(broken), "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert not body["matches_schema"]
    assert "`yes` is not true or false" in body["problems"][0]
    assert [r["requestID"] for r in body["log"]["records"]] == ["1", "2"]  # what could be read

    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04junk")
    assert main(["batch", "results", str(tmp_path / "junk.zip")]) == 1
    assert "cannot be opened" in capsys.readouterr().out


def test_a_batch_for_another_program_is_said_first_even_with_many_schema_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = sample_batch(BATCH, "P-1-00002", USER, 150).replace(b"<Gender>F", b"<Gender>X")
    status, out = validate(tmp_path, capsys, data, "--program", PROGRAM, "--json")
    assert status == 1
    body = json.loads(out)
    assert body["findings"][0]["code"] == "program_mismatch"
    assert len(body["findings"]) == 100 and body["more_findings"] == 51

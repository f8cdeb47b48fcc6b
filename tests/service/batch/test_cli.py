"""`sevis-tui --env NAME batch check|upload|download` against the listener over real TLS."""

from __future__ import annotations

import asyncio
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from sevis_tui.cert import factory
from sevis_tui.cert.describe import fingerprint
from sevis_tui.cli import main

from .conftest import PROGRAM, USER, Listener, Register, batch_xml


def sha256_of(certificate: x509.Certificate) -> str:
    return fingerprint(factory.der(certificate), "sha256")


@pytest.fixture
def environment(listener: Listener, isolated_home: Path) -> Path:
    """A config with [servers.test] pointing at the listener, and its CA bundle."""
    bundle = isolated_home / "batch-ca.pem"
    bundle.write_text(listener.ca_pem)
    config = isolated_home / "config" / "sevis-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[server]\nca_bundle = "{bundle}"\n\n'
        f'[servers.test]\nurl = "https://127.0.0.1:9"\nbatch_url = "{listener.url}"\n'
    )
    return isolated_home


def key_files(home: Path, issued: factory.Issued) -> list[str]:
    p12, secret = home / "me.p12", home / "secret.txt"
    p12.write_bytes(factory.pkcs12(issued, b"open sesame"))
    secret.write_text("open sesame\n")
    secret.chmod(0o600)
    return ["--key", str(p12), "--password-file", str(secret)]


async def sevis(*argv: str) -> int:
    # The command runs its own event loop: give it a thread.
    return await asyncio.to_thread(main, list(argv))


async def test_check_upload_download_and_exit_codes(
    environment: Path,
    registered: factory.Issued,
    capsys: pytest.CaptureFixture[str],
    listener: Listener,
) -> None:
    who = ["--program", PROGRAM, "--user-id", USER, *key_files(environment, registered)]
    assert await sevis("--env", "test", "batch", "check", *who, "--json") == 0
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["kind"], verdict["accepted"]) == ("accepted", True)
    assert verdict["facts"]["Certificate SHA-256"] == sha256_of(registered.certificate)

    xml = environment / "batch.xml"
    xml.write_bytes(batch_xml("B2026120200077", records=4))
    code = await sevis(
        "--env", "test", "batch", "upload", str(xml), "--batch-id", "B2026120200077", *who
    )
    assert code == 0
    assert "4 records" in capsys.readouterr().out

    out = environment / "logs"
    code = await sevis(
        "--env", "test", "batch", "download", "--batch-id", "B2026120200077", "-o", str(out), *who
    )
    assert code == 0
    with zipfile.ZipFile(out / "B2026120200077.zip") as zipped:
        assert b"<Total>4</Total>" in zipped.read("sevis_transaction_log.xml")
    printed = capsys.readouterr().out
    assert "processed (S0000): 4 records, 4 succeeded, 0 failed" in printed
    assert len(re.findall(r"^  \d+ +N\d{10} +success$", printed, re.M)) == 4

    # Another batch ID than the file's: found offline, nothing sent.
    other = ["--batch-id", "B2026120200078"]
    assert await sevis("--env", "test", "batch", "upload", str(xml), *other, *who) == 1
    assert "BatchHeader/BatchID: the file says `B2026120200077`" in capsys.readouterr().out
    assert len(listener.rows("SELECT * FROM batches")) == 1


async def test_a_batch_id_starting_with_a_dash_and_the_files_own_id(
    environment: Path,
    registered: factory.Issued,
    capsys: pytest.CaptureFixture[str],
    listener: Listener,
) -> None:
    who = ["--program", PROGRAM, "--user-id", USER, *key_files(environment, registered)]
    dashed = environment / "dashed.xml"
    dashed.write_bytes(batch_xml("----kynEn47azQ", records=1))
    code = await sevis(
        "--env", "test", "batch", "upload", str(dashed), "--batch-id=----kynEn47azQ", *who
    )
    assert code == 0, capsys.readouterr()
    own = environment / "own.xml"
    own.write_bytes(batch_xml("B2026120200079", records=1))
    assert await sevis("--env", "test", "batch", "upload", str(own), "--json", *who) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["batch_id"] == "B2026120200079"
    # The same file again, with a new batch ID written into the copy sent.
    assert await sevis("--env", "test", "batch", "upload", str(own), "--new-batch-id", *who) == 0
    assert own.read_bytes() == batch_xml("B2026120200079", records=1)  # the file is unchanged
    capsys.readouterr()
    code = await sevis(
        "--env",
        "test",
        "batch",
        "download",
        "--batch-id=----kynEn47azQ",
        "-o",
        str(environment),
        "--json",
        *who,
    )
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert body["matches_schema"] and body["log"]["records"][0]["success"]
    ids = {row[0] for row in listener.rows("SELECT batch_id FROM batches")}
    generated = ids - {"----kynEn47azQ", "B2026120200079"}
    assert len(ids) == 3 and len(generated) == 1
    assert len(generated.pop()) == 14  # the day, then 6 random letters and digits


async def test_a_replaced_certificate_exits_1_with_both_fingerprints(
    environment: Path, register: Register, certs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = certs.good(serial=11), certs.good(serial=12)
    await register(old)
    await register(new)
    who = ["--program", PROGRAM, "--user-id", USER, *key_files(environment, old)]
    assert await sevis("--env", "test", "batch", "check", *who) == 1
    out = capsys.readouterr().out
    assert "not the certificate registered" in out
    assert sha256_of(old.certificate) in out and sha256_of(new.certificate) in out
    assert "Registered on" in out


async def test_usage_problems_exit_2(
    environment: Path, registered: factory.Issued, capsys: pytest.CaptureFixture[str]
) -> None:
    who = ["--program", PROGRAM, "--user-id", USER]
    bad_password = environment / "bad.txt"
    bad_password.write_text("wrong\n")
    bad_password.chmod(0o600)
    p12 = environment / "me.p12"
    p12.write_bytes(factory.pkcs12(registered, b"right"))
    args = ["--key", str(p12), "--password-file", str(bad_password)]
    assert await sevis("--env", "test", "batch", "check", *who, *args) == 2
    assert "password does not open me.p12" in capsys.readouterr().err
    assert await sevis("--env", "nowhere", "batch", "check", *who, *args) == 2
    err = capsys.readouterr().err
    assert "no environment 'nowhere'" in err and "test" in err
    assert await sevis("--env", "test", "--server", "https://x", "batch", "check", *who, *args) == 2
    assert "not both" in capsys.readouterr().err

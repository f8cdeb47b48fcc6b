"""`sevis-tui serve` refusals, `serve admin`, and `sevis-tui demo-certs`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sevis_tui.cert import inspect_path
from sevis_tui.cli import main
from sevis_tui.commands.demo_certs import DEMO_PROGRAM, batch_names, sample_names
from sevis_tui.service.demo import DEMO_USER_ID
from sevis_tui.settings.config import paths, shipped_settings
from sevis_tui.settings.policy import load_policy
from sevis_tui.sevis_batch.check import check_file
from sevis_tui.wiring.local_service import ensure_demo_issuer


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--host", "0.0.0.0"], "refusing to serve plain HTTP on 0.0.0.0"),
        (["serve", "--host", "192.168.1.20", "--port", "1"], "refusing to serve plain HTTP"),
        (["serve", "--tls-cert", "c.pem"], "give both --tls-cert and --tls-key"),
        (["serve", "--tls-cert", "no.pem", "--tls-key", "no.key"], "--tls-cert no.pem: no such"),
        (["serve", "--port", "70000"], "--port 70000 is not a port number"),
    ],
)
def test_serve_refuses_unsafe_or_wrong_options(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sevis-tui: ") and message in err and err.count("\n") == 1


def admin(database: Path, *words: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sevis_tui", "serve", "admin", *words, "--db", str(database)],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_admin_adds_users_programs_and_officials(tmp_path: Path) -> None:
    database = tmp_path / "org.db"
    assert (
        admin(
            database,
            "add-user",
            "aperez0042",
            "--name",
            "Ana Perez",
            stdin="correct horse battery\n",
        ).returncode
        == 0
    )
    short = admin(database, "add-user", "bshort0001", "--name", "B", stdin="short\n")
    assert short.returncode == 2 and "12 to 64 characters" in short.stderr
    added = admin(
        database,
        "add-program",
        "P-3-01234",
        "--name",
        "Acme Intern Program",
        "--sponsor",
        "Acme Corp",
        "--street",
        "1 Main St",
        "--city",
        "Austin",
        "--state",
        "TX",
        "--zip",
        "78701",
        "--category",
        "Intern",
    )
    assert added.returncode == 0, added.stderr
    bad = admin(
        database,
        "add-program",
        "X-1",
        "--name",
        "n",
        "--sponsor",
        "s",
        "--street",
        "s",
        "--city",
        "c",
        "--state",
        "s",
        "--zip",
        "z",
    )
    assert bad.returncode == 2 and "P-1-12345" in bad.stderr
    assert (
        admin(database, "add-official", "P-3-01234", "aperez0042", "--role", "RO").returncode == 0
    )
    missing = admin(database, "add-official", "P-3-01234", "nobody0001", "--role", "ARO")
    assert missing.returncode == 2 and "no user with ID nobody0001" in missing.stderr
    listing = admin(database, "list-programs")
    assert "P-3-01234" in listing.stdout and "aperez0042 RO" in listing.stdout
    with sqlite3.connect(database) as db:
        (stored,) = db.execute("SELECT password FROM users").fetchone()
    assert "correct horse" not in stored
    unknown = admin(database, "unlock", "ghost00001")
    assert unknown.returncode == 2 and "no user" in unknown.stderr


def test_demo_certs_writes_each_sample_once(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = isolated_home / "demo-certs"
    assert main(["demo-certs", "--once", str(target)]) == 0
    names = sample_names(DEMO_USER_ID)
    assert all((target / name).is_file() for name in names)
    assert (target / "with-private-key.pem").stat().st_mode & 0o777 == 0o600
    stamp = (target / f"{DEMO_USER_ID}.pem").stat().st_mtime_ns
    assert main(["demo-certs", "--once", str(target)]) == 0
    assert (target / f"{DEMO_USER_ID}.pem").stat().st_mtime_ns == stamp
    # Judged by the engine with the demo issuer accepted, as the demo service does.
    policy = load_policy(shipped_settings(), extra_issuers=[ensure_demo_issuer().certificate])
    codes = {name: {f.code for f in inspect_path(target / name, policy).errors} for name in names}
    assert codes[f"{DEMO_USER_ID}.cer"] == codes[f"{DEMO_USER_ID}.pem"] == set()
    assert "expired" in codes["expired.pem"]
    assert "self_signed" in codes["self-signed.pem"]
    assert "ca_certificate" in codes["ca-certificate.pem"]
    assert "weak_key" in codes["weak-1024-bit-key.pem"]
    assert codes["unaccepted-issuer.pem"] & {"untrusted_issuer", "missing_intermediate"}
    assert inspect_path(target / "with-private-key.pem", policy).has_private_key
    p12 = inspect_path(target / f"{DEMO_USER_ID}.p12", policy, password=b"demo")
    assert p12.format == "PKCS#12" and p12.subject is not None


def test_demo_certs_are_rewritten_when_the_demo_issuer_changes(isolated_home: Path) -> None:
    target = isolated_home / "demo-certs"
    assert main(["demo-certs", str(target)]) == 0
    stamp = (target / f"{DEMO_USER_ID}.pem").read_bytes()
    paths().demo_issuer_cert.unlink()
    assert main(["demo-certs", "--once", str(target)]) == 0
    assert (target / f"{DEMO_USER_ID}.pem").read_bytes() != stamp


def test_demo_certs_reports_an_unwritable_folder(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = isolated_home / "a-file"
    blocker.write_text("x")
    assert main(["demo-certs", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sevis-tui: cannot write the demo certificates")


def test_demo_certs_writes_batch_files_that_validate_as_described(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    target = isolated_home / "demo-certs"
    assert main(["demo-certs", "--once", str(target)]) == 0
    readme = (target / "README.txt").read_text()
    verdicts = {}
    for name, meaning in batch_names(DEMO_PROGRAM).items():
        assert f"{name:<30} {meaning}" in readme
        capsys.readouterr()
        identity = ["--program", DEMO_PROGRAM, "--user-id", DEMO_USER_ID, "--json"]
        code = main(["batch", "validate", str(target / name), *identity])
        found = json.loads(capsys.readouterr().out)
        verdicts[name.removeprefix(f"batch-{DEMO_PROGRAM}-")] = (
            code,
            [(f["code"], f["path"].rsplit("/", 1)[-1]) for f in found["findings"]],
        )
    assert verdicts["good.xml"] == (0, [])
    assert verdicts["one-fails.xml"] == (0, [])  # the offline check passes: the door fails it
    assert verdicts["not-valid.xml"] == (1, [("invalid_value", "BirthDate")])


def test_demo_certs_once_writes_missing_batch_files_and_keeps_the_certificates(
    isolated_home: Path,
) -> None:
    target = isolated_home / "demo-certs"
    assert main(["demo-certs", str(target)]) == 0
    certificate = (target / f"{DEMO_USER_ID}.pem").read_bytes()
    good = target / f"batch-{DEMO_PROGRAM}-good.xml"
    first = check_file(good).batch_id
    good.unlink()  # sent once: the officer wants it again with a new batch ID
    assert main(["demo-certs", "--once", str(target)]) == 0
    assert (target / f"{DEMO_USER_ID}.pem").read_bytes() == certificate
    again = check_file(good)
    assert again.valid and len(again.batch_id) == 14 and again.batch_id != first

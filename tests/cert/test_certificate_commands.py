"""request-certificate, make-p12, extract-cert and inspect --expiring-within on the command line:
the files they write, and each bad input of issue 16 as a one-line error with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from cryptography import x509

from sevis_tui.cert.factory import Issued, make_ca, pem, sign_request
from sevis_tui.cli import main, parse
from sevis_tui.commands import CommandError, extract_cert, make_p12
from sevis_tui.settings.config import load_settings
from sevis_tui.wiring.local_service import ensure_demo_issuer

# The demo issuer is made a day before this (docs/domain.md: the embedded demo's own issuer).
NOW = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
PASSPHRASE = "correct horse battery"
DETAILS = [
    "--name", "Jordan Smith", "--email", "jsmith@example.edu",
    "--organization", "Example University", "--user-id", "jsmith6544",
]  # fmt: skip


def clock() -> dt.datetime:
    return NOW


def secret(folder: Path, name: str, text: str = PASSPHRASE) -> str:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def work(isolated_home: Path) -> Path:
    folder = isolated_home / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def issuer(isolated_home: Path) -> Issued:
    return ensure_demo_issuer(now=NOW)


def request(work: Path, *extra: str, out: Path | None = None) -> int:
    return main(
        [
            "request-certificate",
            *DETAILS,
            "--key-type",
            "ec-p256",
            "--out-dir",
            str(out or work),
            "--passphrase-file",
            secret(work, "key-pass"),
            *extra,
        ]
    )


@pytest.fixture
def requested(work: Path, issuer: Issued) -> Path:
    """A key and CSR from the command, and the demo issuer's certificate for it (signed here)."""
    assert request(work) == 0
    csr = x509.load_pem_x509_csr((work / "jsmith6544.csr").read_bytes())
    start = NOW - dt.timedelta(days=1)
    certificate = sign_request(issuer, csr, not_before=start, not_after=start + dt.timedelta(365))
    (work / "jsmith6544.pem").write_bytes(pem(certificate))
    return work


def p12_args(work: Path, *extra: str) -> list[str]:
    return [
        "make-p12",
        "--key",
        str(work / "jsmith6544.key"),
        "--cert",
        str(work / "jsmith6544.pem"),
        "--key-passphrase-file",
        str(work / "key-pass"),
        "--passphrase-file",
        secret(work, "p12-pass", "another passphrase 1"),
        *extra,
    ]


def on_clock(module: ModuleType, argv: list[str]) -> int:
    """`sevis-tui ARGV` as cli.main runs it, with the checks made at NOW."""
    try:
        code: int = module.run(parse(argv), load_settings(), clock=clock)
    except CommandError as error:
        print(f"sevis-tui: {error}", file=sys.stderr)
        return 2
    return code


def make(work: Path, *extra: str) -> int:
    return on_clock(make_p12, p12_args(work, *extra))


# --------------------------------------------------------------------------- request-certificate


def test_request_writes_a_private_key_and_a_csr(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request(work) == 0
    out = capsys.readouterr().out
    key, csr = work / "jsmith6544.key", work / "jsmith6544.csr"
    assert mode(key) == 0o600
    assert key.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert x509.load_pem_x509_csr(csr.read_bytes()).is_signature_valid
    assert "SHA-256" in out and "CN=Jordan Smith" in out and "client authentication" in out
    assert PASSPHRASE not in out
    assert sorted(p.name for p in work.iterdir()) == [
        "jsmith6544.csr",
        "jsmith6544.key",
        "key-pass",
    ]


def test_existing_files_are_kept_unless_forced(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request(work) == 0
    before = (work / "jsmith6544.key").read_bytes()
    capsys.readouterr()
    assert request(work) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exist" in err and "--force" in err
    assert (work / "jsmith6544.key").read_bytes() == before
    assert request(work, "--force") == 0
    assert (work / "jsmith6544.key").read_bytes() != before
    assert mode(work / "jsmith6544.key") == 0o600


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--passphrase-file", "eleven char", "at least 12"),
        ("--email", "jsmith at example", "e-mail address"),
        ("--user-id", "js", "4 to 10 letters and digits"),
    ],
)
def test_bad_details_write_nothing(
    work: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    if option == "--passphrase-file":
        value = secret(work, "short", value)
    assert request(work, option, value) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(work.glob("jsmith6544.*"))


def test_a_passphrase_file_others_can_read_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loose = secret(work, "loose")
    os.chmod(loose, 0o644)
    assert request(work, "--passphrase-file", loose) == 2
    assert "chmod 600" in capsys.readouterr().err
    assert not list(work.glob("jsmith6544.*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_folder_that_is_not_writable_is_said_before_anything_is_made(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = work / "locked"
    locked.mkdir(mode=0o500)
    assert request(work, out=locked) == 2
    assert "not writable" in capsys.readouterr().err
    assert not list(locked.iterdir())


def test_a_refused_write_leaves_nothing_half_written(
    work: Path, immutable_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert request(work, out=immutable_folder) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Cannot write" in err or "not writable" in err
    assert not list(immutable_folder.iterdir())


def test_a_file_in_place_of_the_folder_is_said(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "afile").write_text("x")
    assert request(work, out=work / "afile" / "sub") == 2
    assert "is not a folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- make-p12


def test_make_p12_writes_a_private_checked_file(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make(requested) == 0
    out = capsys.readouterr().out
    target = requested / "jsmith6544.p12"
    assert mode(target) == 0o600
    assert "AES-256" in out and "OK with 1 warning" in out and "private_key_in_file" in out


def test_make_p12_never_replaces_without_force(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make(requested) == 0
    before = (requested / "jsmith6544.p12").read_bytes()
    capsys.readouterr()
    assert make(requested) == 2
    assert "already exists" in capsys.readouterr().err
    assert (requested / "jsmith6544.p12").read_bytes() == before
    assert make(requested, "--force") == 0


def test_make_p12_with_a_wrong_key_passphrase(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = p12_args(requested)
    args[args.index("--key-passphrase-file") + 1] = secret(requested, "wrong", "not the one!!")
    assert on_clock(make_p12, args) == 1
    assert "passphrase does not open the key" in capsys.readouterr().err
    assert not (requested / "jsmith6544.p12").exists()


def test_make_p12_with_a_key_that_does_not_match(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Another request (another key) in another folder, with the first request's certificate.
    second = requested / "second"
    assert request(requested, out=second) == 0
    args = p12_args(requested)
    args[args.index("--key") + 1] = str(second / "jsmith6544.key")
    assert on_clock(make_p12, args) == 1
    err = capsys.readouterr().err
    assert "does not belong to any certificate" in err
    assert not (requested / "jsmith6544.p12").exists()


def test_make_p12_when_the_chain_cannot_be_completed_offline(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stranger = make_ca("Intermediate Nobody Has", issuer=make_ca("Unknown Root"))
    csr = x509.load_pem_x509_csr((requested / "jsmith6544.csr").read_bytes())
    start = NOW - dt.timedelta(days=1)
    (requested / "jsmith6544.pem").write_bytes(pem(sign_request(stranger, csr, not_before=start)))
    assert make(requested) == 1
    err = capsys.readouterr().err
    assert "cannot be completed offline" in err and "[missing_intermediate]" in err
    assert not (requested / "jsmith6544.p12").exists()


@pytest.mark.parametrize("legacy", [False, True])
def test_openssl_reads_what_make_p12_wrote(
    requested: Path, legacy: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    assert make(requested, *(["--legacy"] if legacy else [])) == 0
    err = capsys.readouterr().err
    assert ("weaker" in err) == legacy
    done = subprocess.run(
        [
            *(openssl, "pkcs12", "-info", "-noout"),
            *("-in", str(requested / "jsmith6544.p12")),
            *("-passin", f"file:{requested / 'p12-pass'}"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = "pbeWithSHA1And3-KeyTripleDES-CBC" if legacy else "AES-256-CBC"
    assert expected in done.stdout + done.stderr


# --------------------------------------------------------------------------- extract-cert


def extract(source: Path, *extra: str) -> int:
    args = ["extract-cert", str(source), "--passphrase-file", str(source.parent / "p12-pass")]
    return on_clock(extract_cert, [*args, *extra])


def test_extract_writes_the_certificate_alone(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make(requested) == 0
    out_dir = requested / "upload"
    out_dir.mkdir()
    assert extract(requested / "jsmith6544.p12", "--out-dir", str(out_dir)) == 0
    written = out_dir / "jsmith6544.pem"
    assert written.read_bytes() == (requested / "jsmith6544.pem").read_bytes()
    assert x509.load_der_x509_certificate((out_dir / "jsmith6544.cer").read_bytes())
    assert b"PRIVATE KEY" not in written.read_bytes()
    assert extract(requested / "jsmith6544.p12", "--out-dir", str(out_dir)) == 2
    assert "already exist" in capsys.readouterr().err


def test_extract_with_a_wrong_passphrase(
    requested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make(requested) == 0
    secret(requested, "p12-pass", "not the passphrase")
    out_dir = requested / "upload"
    assert extract(requested / "jsmith6544.p12", "--out-dir", str(out_dir)) == 1
    assert "passphrase opens" in capsys.readouterr().err
    assert not out_dir.exists() or not list(out_dir.iterdir())


# ------------------------------------------------------------------ inspect --expiring-within


def test_inspect_expiring_within_turns_expires_soon_into_an_error(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The certificate's dates follow this machine's clock: inspect has no clock to move.
    root = make_ca("Expiry Root", organization="Expiry Test CA")
    bundle = work / "accepted.pem"
    bundle.write_bytes(pem(root.certificate))
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(bundle))
    from sevis_tui.cert.factory import make_personal

    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=300)
    person = make_personal(root, not_before=start, not_after=start + dt.timedelta(days=320))
    target = work / "soon.pem"
    target.write_bytes(pem(person.certificate))
    assert main(["inspect", str(target)]) == 0
    assert "WARNING" in capsys.readouterr().out
    assert main(["inspect", "--expiring-within", "30", "--json", str(target)]) == 1
    line = json.loads(capsys.readouterr().out)
    soon = [f for f in line["findings"] if f["code"] == "expires_soon"]
    assert soon and soon[0]["severity"] == "error" and line["ok"] is False
    assert line["findings"][0]["code"] == "expires_soon"  # errors first
    assert main(["inspect", "--expiring-within", "30", str(target)]) == 1
    assert "ERROR" in capsys.readouterr().out
    assert main(["inspect", "--expiring-within", "10", str(target)]) == 0


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--email", "life\x1b[31m\x07\x01@x.edu", "address holds the control character U+001B"),
        ("--name", "Jordan\x7fSmith", "Your full name holds the control character U+007F"),
        ("--organization", "Example\x9b Univ", "organization holds the control character U+009B"),
        ("--user-id", "jsmith\x076544", "user ID holds the control character U+0007"),
    ],
)  # fmt: skip
def test_request_refuses_control_characters_in_every_field(
    work: Path, option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 21: nothing typed reaches the CSR or the terminal raw; one line names it."""
    details = list(DETAILS)
    if option in details:
        details[details.index(option) + 1] = value
    argv = ["request-certificate", *details, "--out-dir", str(work / "out")]
    assert main([*argv, "--passphrase-file", secret(work, "key-pass")]) == 2
    captured = capsys.readouterr()
    assert says in captured.err and captured.err.count("\n") == 1
    assert captured.err.isascii() and captured.err.rstrip("\n").isprintable() and not captured.out
    assert not (work / "out").exists()

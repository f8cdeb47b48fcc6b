"""`sevis-tui inspect`: reports, JSON Lines, folders, options and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cryptography_vectors
import pytest

from sevis_tui.cert.factory import der, key_pem, pem, pkcs12
from sevis_tui.cli import main


@pytest.fixture
def files(tmp_path: Path, pki: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of good and bad files, and the test root configured as the accepted issuer."""
    bundle = tmp_path / "accepted.pem"
    bundle.write_bytes(pem(pki.accepted_root.certificate))
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(bundle))
    folder = tmp_path / "certs"
    (folder / "sub").mkdir(parents=True)
    person = pki.person()
    (folder / "good.pem").write_bytes(pem(person.certificate) + pem(pki.intermediate.certificate))
    (folder / "README.txt").write_text("not a certificate\n")
    (folder / "sub" / "nochain.cer").write_bytes(der(person.certificate))
    os.mkfifo(folder / "pipe")
    with open(os.fsencode(folder / "sub") + b"/caf\xe9.pem", "wb") as handle:
        handle.write(b"-----BEGIN CERTIFICATE-----\nbroken\n")
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["inspect", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_file_exits_0(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(files / "good.pem"))
    assert code == 0, out + err
    assert "== " in out and "OK" in out
    assert out.rstrip().endswith("1 file checked: 1 OK, 0 with warnings, 0 with errors")
    assert "\x1b" not in out  # not a terminal: no colour


def test_error_exits_1_and_goes_on_with_next_file(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, str(files / "pipe"), str(files / "missing.pem"), str(files / "good.pem")
    )
    assert code == 1
    assert "named pipe" in out and "does not exist" in out
    assert "3 files checked: 1 OK, 0 with warnings, 2 with errors" in out


def test_folder_walk_by_content(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(files))
    assert code == 0
    assert "1 file checked" in out and "1 other files skipped" in out
    code, out, _ = run(capsys, "--recursive", str(files))
    assert code == 1
    assert "nochain.cer" in out and "[missing_intermediate]" in out
    assert "caf\\udce9.pem" in out  # a non-UTF-8 name, shown escaped


def test_json_lines(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--json", "-r", str(files))
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    assert [Path(o["name"]).name for o in objects] == ["good.pem", "caf\udce9.pem", "nochain.cer"]
    assert objects[0]["ok"] is True and objects[1]["ok"] is False
    assert objects[2]["findings"][0]["code"] == "missing_intermediate"
    assert objects[0]["subject"]["subject_common_name"] == "jsmith6544"
    assert "3 files checked" in err


def test_key_option(
    files: Path, pki: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(key_pem(pki.other_key))
    key.chmod(0o600)
    code, out, _ = run(capsys, "--key", str(key), str(files / "good.pem"))
    assert code == 1 and "[key_mismatch]" in out
    key.write_bytes(key_pem(pki.person_key))
    assert run(capsys, "--key", str(key), str(files / "good.pem"))[0] == 0
    code, _, err = run(capsys, "--key", str(tmp_path / "none.pem"), str(files / "good.pem"))
    assert code == 2 and err.startswith("sevis-tui: the key file")


def test_key_file_is_read_and_parsed_once_per_run(
    files: Path,
    pki: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sevis_tui.cert import engine

    key = tmp_path / "key.p12"
    key.write_bytes(pkcs12(pki.person(), b"pw"))
    key.chmod(0o644)  # readable by others: every report says so
    secret = tmp_path / "pw"
    secret.write_bytes(b"pw\n")
    secret.chmod(0o600)
    copies = tmp_path / "copies"
    copies.mkdir()
    for index in range(3):
        (copies / f"c{index}.pem").write_bytes((files / "good.pem").read_bytes())
    reads: list[str] = []
    loads: list[bytes] = []
    real_read, real_load = engine.read_path, engine.load_key

    def counting_read(path: Any, max_bytes: int) -> Any:
        reads.append(os.fsdecode(path))
        return real_read(path, max_bytes)

    def counting_load(data: bytes, password: bytes | None) -> Any:
        loads.append(data)
        return real_load(data, password)

    monkeypatch.setattr(engine, "read_path", counting_read)
    monkeypatch.setattr(engine, "load_key", counting_load)
    args = ["--json", "--jobs", "1", "--key", str(key), "--password-file", str(secret)]
    code, out, _ = run(capsys, *args, str(files / "good.pem"), str(copies))
    assert code == 1
    reports = [json.loads(line) for line in out.splitlines()]
    assert len(reports) == 4
    for report in reports:
        codes = [f["code"] for f in report["findings"]]
        assert codes == ["private_key_exposed", "issuer_accepted"], codes
        assert str(key) in report["findings"][0]["message"]
    assert reads.count(str(key)) == 1 and len(loads) == 1


def test_password_file(
    files: Path, pki: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "me.p12"
    bundle.write_bytes(pkcs12(pki.person(), b"pa ss", chain=[pki.intermediate.certificate]))
    bundle.chmod(0o600)
    code, out, _ = run(capsys, str(bundle))
    assert code == 1 and "[needs_password]" in out and "--password-file" in out
    secret = tmp_path / "pw"
    secret.write_bytes(b"pa ss\r\n")
    secret.chmod(0o600)
    code, out, _ = run(capsys, "--password-file", str(secret), str(bundle))
    assert code == 0, out
    assert "[private_key_in_file]" in out and "PKCS#12, 2 certificates" in out
    code, _, err = run(capsys, "--password-file", str(tmp_path / "nope"), str(bundle))
    assert code == 2 and "cannot read the password file" in err
    secret.chmod(0o644)  # a password others can read is refused, not used
    code, out, err = run(capsys, "--password-file", str(secret), str(bundle))
    assert code == 2 and "other users can read the password file" in err and not out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and err.startswith("sevis-tui: inspect needs at least one PATH")
    with pytest.raises(SystemExit) as raised:
        main(["inspect", "--bogus"])
    assert raised.value.code == 2


def test_unusable_issuer_bundle_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(tmp_path / "absent.pem"))
    code, _, err = run(capsys, "--issuers")
    assert code == 2 and "accepted issuers bundle" in err and err[-1] == "\n"
    (tmp_path / "junk.pem").write_text("junk")
    monkeypatch.setenv("SEVIS_TUI_ACCEPTED_ISSUERS", str(tmp_path / "junk.pem"))
    assert run(capsys, "--issuers")[0] == 2


def test_issuers_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--issuers")
    assert code == 0
    assert "USERTrust RSA Certification Authority" in out and "IdenTrust" in out
    code, out, _ = run(capsys, "--issuers", "--json")
    listing = json.loads(out)
    organizations = {i["subject_organization"] for i in listing["accepted_issuers"]}
    assert {"The USERTRUST Network", "IdenTrust", "Sectigo Limited"} <= organizations


def test_help_documents_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["inspect", "--help"])
    assert "JSON Lines" in capsys.readouterr().out


def _subprocess(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sevis_tui", "inspect", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_as_a_process(files: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = _subprocess("--json", "-r", str(files), env=env)
    assert done.returncode == 1, done.stderr
    assert len(done.stdout.splitlines()) == 3
    # cryptography's parse warnings (BER fallback, odd attributes) must not reach stderr.
    vectors = Path(cryptography_vectors.__path__[0])
    noisy = [
        vectors / "pkcs7" / "amazon-roots.p7b",
        vectors / "pkcs12" / "no-password.p12",
        vectors / "x509" / "custom" / "negative_serial.pem",
        vectors / "x509" / "custom" / "bad_country.pem",
        vectors / "x509" / "belgian-eid-invalid-visiblestring.pem",
    ]
    done = _subprocess(*map(str, noisy), env=env)
    assert done.returncode == 1
    assert done.stderr == "", done.stderr
    assert "Traceback" not in done.stdout


def test_many_files_in_parallel_keep_their_order(
    files: Path, pki: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    many = files / "many"
    many.mkdir()
    good = (files / "good.pem").read_bytes()
    for index in range(300):
        (many / f"c{index:03d}.pem").write_bytes(good if index % 3 else b"junk")
    code, out, err = run(capsys, "--json", "--jobs", "2", str(many))
    names = [Path(json.loads(line)["name"]).name for line in out.splitlines()]
    assert names == [f"c{index:03d}.pem" for index in range(300) if index % 3]
    assert code == 0 and "200 files checked: 200 OK" in err and "100 other files" in err
    code, out, _ = run(capsys, "--jobs", "2", str(many))
    assert code == 0 and out.count("== ") == 200
    assert run(capsys, "--jobs", "0", str(many))[0] == 2

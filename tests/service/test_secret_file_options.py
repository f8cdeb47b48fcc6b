"""Every option that names a secret's file (issue 21, item 3): a FIFO, /dev/zero, a file others
can read and a missing file are each refused in one line (exit 2), before a byte is read and
without hanging; a private file is read. One declaration and one reader serve them all."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from sevis_tui.cert import factory
from sevis_tui.cli import COMMANDS, _command, main

Argv = Callable[[Path, str], list[str]]
DETAILS = [
    "--name", "Jordan Smith", "--email", "jsmith@example.edu",
    "--organization", "Example University", "--user-id", "jsmith6544",
]  # fmt: skip


def private(folder: Path, name: str, text: str = "correct horse battery") -> str:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def work(isolated_home: Path, issuer: factory.Issued, personal_key: factory.PrivateKey) -> Path:
    """A certificate valid on the system's clock (the commands judge by it), its key plain
    and encrypted, and a file that is no .p12 at all (read before the secret is)."""
    folder = isolated_home / "work"
    folder.mkdir()
    now = dt.datetime.now(dt.UTC)
    issued = factory.make_personal(
        issuer,
        key=personal_key,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )
    (folder / "cert.pem").write_bytes(factory.pem(issued.certificate))
    (folder / "plain.key").write_bytes(factory.key_pem(personal_key))
    (folder / "locked.key").write_bytes(factory.key_pem(personal_key, b"correct horse battery"))
    (folder / "any.p12").write_bytes(b"not a pkcs12 file")
    return folder


# (name, argv given the work folder and the secret's path): each reaches its secret's read.
OPTIONS: list[tuple[str, Argv]] = [
    ("inspect --password-file", lambda w, s: ["inspect", "--password-file", s, str(w / "any.p12")]),
    (
        "status --password-file",
        lambda w, s: ["status", "--user-id", "jsmith6544", "--password-file", s],
    ),
    (
        "batch --password-file",
        lambda w, s: ["batch", "check", "--program", "P-1-00001", "--user-id", "jsmith6544",
                      "--key", str(w / "any.p12"), "--password-file", s],
    ),
    (
        "extract-cert --passphrase-file",
        lambda w, s: ["extract-cert", str(w / "any.p12"), "--out-dir", str(w / "out"),
                      "--passphrase-file", s],
    ),
    (
        "request-certificate --passphrase-file",
        lambda w, s: ["request-certificate", *DETAILS, "--key-type", "ec-p256", "--out-dir",
                      str(w / "out"), "--passphrase-file", s],
    ),
    (
        "make-p12 --key-passphrase-file",
        lambda w, s: ["make-p12", "--key", str(w / "locked.key"), "--cert", str(w / "cert.pem"),
                      "--out", str(w / "out.p12"), "--key-passphrase-file", s],
    ),
    (
        "make-p12 --passphrase-file",
        lambda w, s: ["make-p12", "--key", str(w / "plain.key"), "--cert", str(w / "cert.pem"),
                      "--out", str(w / "out.p12"), "--passphrase-file", s],
    ),
    (
        "register --file-password-file",
        lambda w, s: ["register", str(w / "any.p12"), "--program", "P-1-00001", "--user-id",
                      "jsmith6544", "--file-password-file", s],
    ),
    (
        "register --password-file",
        lambda w, s: ["register", str(w / "cert.pem"), "--program", "P-1-00001", "--user-id",
                      "jsmith6544", "--password-file", s],
    ),
    (
        "serve admin add-user --password-file",
        lambda w, s: ["serve", "admin", "add-user", "bnew000001", "--name", "B New",
                      "--password-file", s, "--db", str(w / "admin.db")],
    ),
    (
        "serve admin set-password --password-file",
        lambda w, s: ["serve", "admin", "set-password", "bnew000001", "--password-file", s,
                      "--db", str(w / "admin.db")],
    ),
]  # fmt: skip


def fifo(folder: Path) -> str:
    path = folder / "secret.fifo"
    os.mkfifo(path, 0o600)
    return str(path)


def shared(folder: Path) -> str:
    path = private(folder, "secret.txt")
    os.chmod(path, 0o644)
    return path


# (what, the secret's path, what the one line says)
BAD_FILES: list[tuple[str, Callable[[Path], str], str]] = [
    ("fifo", fifo, "is a named pipe (FIFO), not a file; it was not opened"),
    ("dev-zero", lambda folder: "/dev/zero", "/dev/zero is a character device, not a file"),
    ("mode-0644", shared, "(mode 0644), so it was not read; make it private first: chmod 600"),
    ("missing", lambda folder: str(folder / "nothing-here"), "nothing-here does not exist."),
]


def run_bounded(argv: list[str]) -> int:
    """main(argv) in a thread: a read that blocks (a FIFO) fails the test instead of hanging it."""
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), f"{argv[0]} hangs on its secret's file"
    return codes[0]


@pytest.mark.parametrize(("bad", "make", "says"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
@pytest.mark.parametrize(("option", "argv"), OPTIONS, ids=[o[0] for o in OPTIONS])
def test_a_secret_file_that_is_not_a_private_regular_file_is_refused_in_one_line(
    work: Path,
    option: str,
    argv: Argv,
    bad: str,
    make: Callable[[Path], str],
    says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make(work)
    assert run_bounded(argv(work, path)) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("sevis-tui: ") and captured.err.count("\n") == 1, captured.err
    assert says in captured.err and "Traceback" not in captured.err + captured.out
    assert "correct horse battery" not in captured.err + captured.out


def test_admin_reads_a_private_password_file(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password = private(work, "admin-password", "a good long password")
    for _, argv in OPTIONS[-2:]:  # add-user, then set-password
        assert main(argv(work, password)) == 0
    assert "password set for bnew000001" in capsys.readouterr().out


def test_a_secret_file_larger_than_a_line_is_not_read(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = private(work, "big", "x" * 5000)
    assert main(OPTIONS[0][1](work, big)) == 2
    err = capsys.readouterr().err
    assert "larger than 4096 bytes, so it was not read" in err and err.count("\n") == 1


def test_every_secret_file_option_is_declared_by_the_one_helper() -> None:
    """Each command's secret-file options carry the shared help text (one declaration)."""
    found = []
    for name in COMMANDS:
        parser = argparse.ArgumentParser()
        _command(name).add_arguments(parser)
        found += [(name, text) for text in _secret_options(parser)]
    assert len(found) == len(OPTIONS) + 2  # batch declares it for check, upload and download
    assert all("mode 600; - = standard input" in text for _, text in found)


def _secret_options(parser: argparse.ArgumentParser) -> list[str]:
    texts = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                texts += _secret_options(sub)
        elif any(o.endswith(("password-file", "passphrase-file")) for o in action.option_strings):
            texts.append(action.help or "")
    return texts

"""Reading passphrases and passwords on the command line: a masked prompt or a private file.

Never from the command line itself, where other users could read them (`ps`), and never
written anywhere. A file given for a secret must be private to its owner (mode 0600): the
commands refuse one that others can read, rather than use a secret that is already exposed.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.cert.passphrase import passphrase_problem
from sevis_tui.commands import CommandError

if TYPE_CHECKING:
    from sevis_tui.cert.reading import ReadResult


# A secret's file holds one line; anything larger is not one (and is not read).
MAX_SECRET_FILE_BYTES = 4096


def read_secret_file(path: str, what: str, *, may_be_empty: bool = False) -> str:
    """The first line of a private file, without its line ending; '-' reads standard input.
    may_be_empty: an empty line is the secret (a PKCS#12 can have an empty password).

    The one reader of secret files: a regular file only (a FIFO or device is never opened for
    reading), at most MAX_SECRET_FILE_BYTES, and owner-only (mode 600), judged on the open
    descriptor before a byte is read."""
    if path == "-":
        return sys.stdin.readline(MAX_SECRET_FILE_BYTES).rstrip("\r\n")
    from sevis_tui.cert.reading import read_path

    read = read_path(path, MAX_SECRET_FILE_BYTES, private=True)
    if read.data is None:
        raise CommandError(_unreadable(path, read, what))
    try:
        text = read.data.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(
            f"the {what} file {path} is not UTF-8 text: put the {what} on its first line"
        ) from None
    first = text.splitlines()[0] if text else ""
    if not first and not may_be_empty:
        raise CommandError(f"the {what} file {path} is empty: put the {what} on its first line")
    return first


def _unreadable(path: str, read: ReadResult, what: str) -> str:
    """One line for a secret's file that was not read (the reader's words, a secret's remedy)."""
    problem = read.findings[0]
    if read.exposed:
        return (
            f"other users can read the {what} file {path} (mode {read.mode:04o}), so it was not "
            f"read; make it private first: chmod 600 {shlex.quote(path)}"
        )
    if problem.code == "too_large":
        return (
            f"the {what} file {path} is larger than {MAX_SECRET_FILE_BYTES} bytes, so it was "
            f"not read: put the {what} alone on its first line"
        )
    remedy = (
        "Check the path."
        if problem.code == "not_found"
        else f"Give a regular file, mode 600, with the {what} on its first line."
    )
    return f"cannot read the {what} file: {problem.message} {remedy}"


def new_passphrase(path: str | None, what: str) -> bytes:
    """A new passphrase: from a file, or typed twice at a masked prompt; checked by the rule."""
    if path is not None:
        first = second = read_secret_file(path, f"{what} passphrase")
    else:
        _need_terminal(f"--passphrase-file FILE with the new {what} passphrase")
        import getpass

        first = getpass.getpass(f"New passphrase for the {what} (at least 12 characters): ")
        second = getpass.getpass("Type it again: ")
    problem = passphrase_problem(first, second)
    if problem:
        raise CommandError(f"{problem} Nothing was written.")
    return first.encode("utf-8")


def existing_secret(
    path: str | None, prompt: str, what: str, option: str, *, may_be_empty: bool = False
) -> bytes:
    """A passphrase or password that exists already: from a file, or typed once, masked."""
    if path is not None:
        return read_secret_file(path, what, may_be_empty=may_be_empty).encode("utf-8")
    _need_terminal(f"{option} FILE")
    import getpass

    return getpass.getpass(prompt).encode("utf-8")


def _need_terminal(option: str) -> None:
    if not sys.stdin.isatty():
        raise CommandError(f"no terminal to ask on: give {option} (the secret on its first line)")


def display(path: Path) -> str:
    """A path as the officer typed it or as it is relative to the current folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

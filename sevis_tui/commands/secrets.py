"""Reading passphrases and passwords on the command line: a masked prompt or a private file.

Never from the command line itself, where other users could read them (`ps`), and never
written anywhere. A file given for a secret must be private to its owner (mode 0600): the
commands refuse one that others can read, rather than use a secret that is already exposed.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path

from sevis_tui.cert.passphrase import passphrase_problem
from sevis_tui.commands import CommandError


def read_secret_file(path: str, what: str, *, may_be_empty: bool = False) -> str:
    """The first line of a private file, without its line ending; '-' reads standard input.
    may_be_empty: an empty line is the secret (a PKCS#12 can have an empty password)."""
    if path == "-":
        return sys.stdin.readline().rstrip("\r\n")
    try:
        mode = os.stat(path).st_mode
        with open(path, encoding="utf-8") as handle:
            first = handle.readline().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CommandError(f"cannot read the {what} file {path}: {reason}") from None
    if stat.S_IMODE(mode) & 0o077:
        raise CommandError(
            f"other users can read the {what} file {path}; make it private first: "
            f"chmod 600 {shlex.quote(path)}"
        )
    if not first and not may_be_empty:
        raise CommandError(f"the {what} file {path} is empty: put the {what} on its first line")
    return first


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

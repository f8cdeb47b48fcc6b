"""Passwords for the commands: from a file's first line, standard input, or a prompt; never
from the command line, where other users could read them (`ps`)."""

from __future__ import annotations

import sys
from pathlib import Path

from sevis_tui.commands import CommandError


def read_first_line(path: str, option: str) -> str:
    """The first line of `path` (`-`: standard input), without its line ending."""
    if path == "-":
        return sys.stdin.readline().rstrip("\r\n")
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise CommandError(f"cannot read {option} {path}: {reason}") from None
    return lines[0] if lines else ""


def read_secret(password_file: str | None, prompt: str, option: str = "--password-file") -> str:
    """From `password_file`, else standard input when it is not a terminal, else a prompt."""
    import getpass

    if password_file:
        return read_first_line(password_file, option)
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)

"""The subcommands of `sevis-tui`; see cli.py for how each module is shaped."""

from __future__ import annotations

import argparse
from pathlib import Path


class CommandError(Exception):
    """A usage or setup problem, fit to show: cli.main prints `sevis-tui: MESSAGE`, exits 2."""


def add_secret_file_option(parser: argparse.ArgumentParser, option: str, holds: str) -> None:
    """The one declaration of an option naming a secret's file (a password, a passphrase).

    Every such option is read by `commands.secrets.read_secret_file`: the first line of a
    regular file private to its owner (mode 600), or standard input for `-`. Declared here,
    not in `secrets`, so that a command's parser stays light to build.
    """
    parser.add_argument(
        option,
        metavar="FILE",
        help=f"first line: {holds} (mode 600; - = standard input; never on the command line)",
    )


def check_destination(files: tuple[Path, ...], folder: Path, *, force: bool, instead: str) -> None:
    """Refuse before any work: a file that exists (unless --force), or a folder that cannot
    take new files. `instead` says what to do about the files that exist."""
    from sevis_tui.storage.certificate_files import existing, folder_problem

    there = existing(files)
    if there and not force:
        names = " and ".join(str(path) for path in there)
        raise CommandError(
            f"{names} already exist{'s' * (len(there) == 1)}; nothing was written. {instead}"
        )
    problem = folder_problem(folder)
    if problem:
        raise CommandError(problem)

"""The subcommands of `sevis-tui`; see cli.py for how each module is shaped."""

from __future__ import annotations

import argparse


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

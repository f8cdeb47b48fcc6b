"""The subcommands of `sevis-tui`; see cli.py for how each module is shaped."""

from __future__ import annotations


class CommandError(Exception):
    """A usage or setup problem, fit to show: cli.main prints `sevis-tui: MESSAGE`, exits 2."""

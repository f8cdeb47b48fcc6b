"""The `sevis-tui` command line: the app by default, plus inspect, serve, demo-certs, locate.

Each subcommand lives in `sevis_tui/commands/NAME.py` with two functions:
`add_arguments(parser)` and `run(args, settings) -> int`. Those modules keep
their top-level imports light; heavy imports happen inside `run`, so that
starting the app does not pay for the service or the certificate engine.
A usage or setup problem is raised as `commands.CommandError`: main prints it as one
line, "sevis-tui: ...", and exits with status 2 (as for a `ConfigError`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol, cast

from sevis_tui import __version__
from sevis_tui.commands import CommandError
from sevis_tui.config import ConfigError, Settings, load_settings

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "inspect": ("sevis_tui.commands.inspect", "check certificate files offline and explain them"),
    "serve": ("sevis_tui.commands.serve", "run the registration service"),
    "demo-certs": ("sevis_tui.commands.demo_certs", "write sample certificate files for the demo"),
    "locate": ("sevis_tui.commands.locate", "print the config, state and data paths in use"),
}


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int: ...


def _command(name: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[name][0]))


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sevis-tui",
        description=(
            "Register a digital certificate for SEVIS batch processing, keyboard only. "
            "With no command, starts the app."
        ),
        epilog="Configuration: see `sevis-tui locate`. Keys: press F1 in the app.",
    )
    parser.add_argument("--version", action="version", version=f"sevis-tui {__version__}")
    parser.add_argument("--server", metavar="URL", help="registration service to use")
    parser.add_argument("--config", metavar="FILE", help="read this config file instead")
    parser.add_argument(
        "--no-mouse", dest="mouse", action="store_false", default=None, help="ignore the mouse"
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Only the chosen subcommand's module is imported, to keep start-up quick.
    chosen = _chosen_command(argv)
    for name, (_module, summary) in COMMANDS.items():
        sub = subcommands.add_parser(name, help=summary, description=summary)
        if name == chosen:
            _command(name).add_arguments(sub)
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    return next((word for word in argv if word in COMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    if args.config:
        os.environ["SEVIS_TUI_CONFIG"] = args.config
    overrides: dict[str, dict[str, Any]] = {
        "server": {"url": args.server},
        "ui": {"mouse": args.mouse},
    }
    try:
        settings = load_settings(overrides=overrides)
    except ConfigError as error:
        print(f"sevis-tui: {error}", file=sys.stderr)
        return 2
    for warning in settings.warnings:
        print(f"sevis-tui: warning: {warning}", file=sys.stderr)
    try:
        if args.command is None:
            from sevis_tui.app import run_app

            return run_app(settings)
        return _command(args.command).run(args, settings)
    except KeyboardInterrupt:
        return 130
    except (ConfigError, CommandError) as error:
        print(f"sevis-tui: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`sevis-tui locate | head`): stop quietly, as other tools do;
        # pointing stdout at /dev/null keeps the flush at exit from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The `sevis-tui` command line: the app by default, plus inspect, serve, demo-certs, locate,
register, batch.

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
from sevis_tui.settings.config import ConfigError, Settings, load_settings

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "inspect": ("sevis_tui.commands.inspect", "check certificate files offline and explain them"),
    "serve": ("sevis_tui.commands.serve", "run the registration service"),
    "demo-certs": ("sevis_tui.commands.demo_certs", "write demo certificate and batch files"),
    "locate": ("sevis_tui.commands.locate", "print the config, state and data paths in use"),
    "register": (
        "sevis_tui.commands.register",
        "register one certificate for several programs, without the app",
    ),
    "batch": ("sevis_tui.commands.batch", "check, upload and download over the batch interface"),
    # The certificate's life (issue 16): request it, assemble the .p12, watch its expiry.
    "request-certificate": (
        "sevis_tui.commands.request_certificate",
        "make a private key and the CSR to send to a certificate vendor",
    ),
    "make-p12": ("sevis_tui.commands.make_p12", "put key and certificate into the batch .p12"),
    "extract-cert": ("sevis_tui.commands.extract_cert", "take the certificate out of a .p12"),
    "status": ("sevis_tui.commands.status", "your programs' certificates and days left (cron)"),
}


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int: ...


def _command(name: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[name][0]))


def build_parser() -> argparse.ArgumentParser:
    """The global options and the command word; the rest is the command's own to parse.

    The command is a real positional (so `--config serve inspect` gives --config the value
    "serve" and runs inspect), and its arguments are handed on unparsed: only the chosen
    command's module is then imported, to keep start-up quick.
    """
    listing = "\n".join(f"  {name:<20} {summary}" for name, (_m, summary) in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="sevis-tui",
        usage="sevis-tui [options] [COMMAND [ARGUMENTS ...]]",
        description=(
            "Register a digital certificate for SEVIS batch processing, keyboard only. "
            "With no command, starts the app."
        ),
        epilog=(
            f"commands (sevis-tui COMMAND --help for each):\n{listing}\n\n"
            "Configuration: see `sevis-tui locate`. Keys: press F1 in the app."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sevis-tui {__version__}")
    parser.add_argument("--server", metavar="URL", help="registration service to use")
    parser.add_argument(
        "--env",
        metavar="NAME",
        help="use the environment [servers.NAME] of the config (demo: the built-in one)",
    )
    parser.add_argument("--config", metavar="FILE", help="read this config file instead")
    parser.add_argument(
        "--no-mouse", dest="mouse", action="store_false", default=None, help="ignore the mouse"
    )
    parser.add_argument(
        "command", nargs="?", choices=list(COMMANDS), metavar="COMMAND", help=argparse.SUPPRESS
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command's arguments (imports that command's module only)."""
    summary = COMMANDS[name][1]
    parser = argparse.ArgumentParser(prog=f"sevis-tui {name}", description=summary)
    _command(name).add_arguments(parser)
    return parser


def parse(arguments: Sequence[str]) -> argparse.Namespace:
    args = build_parser().parse_args(arguments)
    rest = args.__dict__.pop("arguments")
    if args.command is not None:
        command_parser(args.command).parse_args(rest, namespace=args)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(list(sys.argv[1:] if argv is None else argv))
    overrides: dict[str, dict[str, Any]] = {
        "server": {"url": args.server, "environment": args.env},
        "ui": {"mouse": args.mouse},
    }
    try:
        settings = load_settings(overrides=overrides, config_file=args.config)
    except ConfigError as error:
        print(f"sevis-tui: {error}", file=sys.stderr)
        return 2
    for warning in settings.warnings:
        print(f"sevis-tui: warning: {warning}", file=sys.stderr)
    try:
        if args.command is None:
            from sevis_tui.tui.app import run_app

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

"""`sevis-tui serve`: run the registration service with uvicorn; `serve admin ...` manages it
(serve_admin.py).

    sevis-tui serve [--host 127.0.0.1] [--port 8470] [--db PATH] [--demo [--demo-programs N]]
                    [--tls-cert FILE --tls-key FILE] [--insecure] [--batch-port PORT]
                    [--read-timeout SECONDS] [--max-connections-per-client N]
    sevis-tui serve admin ACTION ...

--db is a SQLite file, or postgresql://USER@HOST[:PORT]/DBNAME (the password from PGPASSFILE or
~/.pgpass, never the URL; needs `pip install 'sevis-tui[postgres]'`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevis_tui.commands import CommandError
from sevis_tui.settings.config import Settings, paths

if TYPE_CHECKING:
    from sevis_tui.service.connection_limits import ConnectionLimits

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (8470)")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="SQLite file (default: in the data folder) or postgresql://USER@HOST/DBNAME",
    )
    parser.add_argument("--demo", action="store_true", help="seed the demo programs and user")
    parser.add_argument(
        "--demo-programs",
        type=int,
        default=0,
        metavar="N",
        help="with --demo: N more active programs with the demo user as RO (P-2-00001, ...)",
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", metavar="FILE", help="the TLS certificate's private key")
    parser.add_argument(
        "--batch-port",
        type=int,
        metavar="PORT",
        help="also run the batch interface (mutual TLS) on this port; needs --tls-cert/--tls-key "
        "or --demo (a certificate from the demo issuer)",
    )
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="a client that takes longer to send a whole request is disconnected (20)",
    )
    parser.add_argument(
        "--max-connections-per-client",
        type=int,
        default=32,
        metavar="N",
        help="connections one client address may hold open at once, on each port (32)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain HTTP on a non-loopback address (passwords would cross the network)",
    )
    admin = parser.add_subparsers(dest="serve_command", metavar="admin")
    admin_parser = admin.add_parser("admin", help="manage users, programs and officials")
    from sevis_tui.commands.serve_admin import add_admin_arguments

    add_admin_arguments(admin_parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "serve_command", None) == "admin":
        from sevis_tui.commands.serve_admin import run_admin

        return run_admin(args)
    return run_server(args, settings)


# --------------------------------------------------------------------------- the server


def run_server(args: argparse.Namespace, settings: Settings) -> int:
    _check_options(args)
    tls = bool(args.tls_cert)
    batch_port = getattr(args, "batch_port", None)
    limits = _limits(args)
    import uvicorn

    from sevis_tui.service.errors import ApiError
    from sevis_tui.wiring.local_service import create_app

    database = database_of(args.db)
    open_store_of(database)  # a URL that must not be used is refused before anything starts
    try:
        app = create_app(
            database, settings=settings, demo=args.demo, demo_programs=args.demo_programs
        )
    except (OSError, ApiError) as error:
        raise CommandError(cannot_open(database, error)) from None
    scheme = "https" if tls else "http"
    batch = _batch_listener(args, settings, database, limits) if batch_port is not None else None
    label = app.state.service.store.label
    print(f"sevis-tui: serving {scheme}://{args.host}:{args.port}/api/v1 (database {label})")
    if batch is not None:
        print(
            f"sevis-tui: batch interface {batch.url}/sevisbatch/action (mutual TLS; records "
            "are processed by a simulation, see docs/domain.md)"
        )
    if args.demo:
        from sevis_tui.service import demo

        print(f"sevis-tui: demo user ID {demo.DEMO_USER_ID}, password {demo.DEMO_PASSWORD}")
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            ssl_certfile=args.tls_cert,
            ssl_keyfile=args.tls_key,
            log_level="info",
            **limits.uvicorn_options(),
        )
    finally:
        if batch is not None:
            batch.stop()
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """Refuse, in one line each, options that cannot work together."""
    from sevis_tui.api.client import is_loopback

    problem = _tls_problem(args)
    if problem:
        raise CommandError(problem)
    tls = bool(args.tls_cert)
    if not tls and not is_loopback(args.host) and not args.insecure:
        raise CommandError(
            f"refusing to serve plain HTTP on {args.host}: passwords would cross the network "
            "unencrypted; give --tls-cert and --tls-key (or --insecure if a proxy adds TLS)"
        )
    if not 0 < args.port < 65536:
        raise CommandError(f"--port {args.port} is not a port number (1-65535)")
    batch_port = getattr(args, "batch_port", None)
    if batch_port is not None:
        if not 0 < batch_port < 65536 or batch_port == args.port:
            raise CommandError(f"--batch-port {batch_port}: a port number other than --port")
        if not tls and not args.demo:
            raise CommandError(
                "--batch-port needs --tls-cert and --tls-key (the batch interface is HTTPS), "
                "or --demo for a certificate from the demo issuer"
            )
    if args.demo_programs and (not args.demo or not 0 < args.demo_programs <= 9999):
        raise CommandError("--demo-programs N needs --demo, and N from 1 to 9999")


def _limits(args: argparse.Namespace) -> ConnectionLimits:
    from sevis_tui.service.connection_limits import ConnectionLimits

    if not 0 < args.read_timeout <= 3600:
        raise CommandError(
            f"--read-timeout {args.read_timeout}: give more than 0 and at most 3600 seconds"
        )
    if not 0 < args.max_connections_per_client <= 10000:
        raise CommandError(
            f"--max-connections-per-client {args.max_connections_per_client}: give 1 to 10000"
        )
    return ConnectionLimits(
        read_timeout=args.read_timeout, per_client=args.max_connections_per_client
    )


def database_of(chosen: str | None) -> Path | str:
    """--db: a postgresql:// URL as given, or a SQLite file (the data folder's by default)."""
    from sevis_tui.service.store import is_postgres_url

    if chosen and is_postgres_url(chosen):
        return chosen
    return Path(chosen).expanduser() if chosen else paths().database


def open_store_of(database: Path | str) -> Any:
    """The store for --db, not yet opened; a URL with a password in it is refused."""
    from sevis_tui.service.store import open_store

    try:
        return open_store(database)
    except ImportError:
        raise CommandError(
            "a postgresql:// database needs psycopg: pip install 'sevis-tui[postgres]'"
        ) from None
    except ValueError as error:
        raise CommandError(str(error)) from None


def cannot_open(database: Path | str, error: BaseException) -> str:
    from sevis_tui.service.errors import ApiError

    if isinstance(database, str) and isinstance(error, ApiError):
        return error.message  # it names the URL (password hidden) and what to check
    return f"cannot open the database {database}: {_reason(error)}"


def _batch_listener(
    args: argparse.Namespace,
    settings: Settings,
    database: Path | str,
    limits: ConnectionLimits,
) -> Any:
    """The batch interface on --batch-port, started in a background thread."""
    import datetime as dt
    import ssl

    from sevis_tui.service.batch.app import create_batch_app
    from sevis_tui.service.batch.listener import (
        BatchListener,
        demo_server_identity,
        server_context,
    )
    from sevis_tui.settings.policy import load_policy
    from sevis_tui.wiring.local_service import ensure_demo_issuer

    extra = []
    identity = None
    if args.demo:
        issuer = ensure_demo_issuer()
        extra.append(issuer.certificate)
        if not args.tls_cert:
            identity = demo_server_identity(issuer, dt.datetime.now(dt.UTC), (args.host,))
    try:
        issuers = load_policy(settings, extra_issuers=extra).accepted_issuers
        context = server_context(
            issuers, cert_file=args.tls_cert, key_file=args.tls_key, identity=identity
        )
        listener = BatchListener(
            create_batch_app(database), context, host=args.host, port=args.batch_port, limits=limits
        )
    except (OSError, ssl.SSLError) as error:
        raise CommandError(f"cannot start the batch interface: {_reason(error)}") from None
    return listener.start()


def _tls_problem(args: argparse.Namespace) -> str | None:
    if bool(args.tls_cert) != bool(args.tls_key):
        return "give both --tls-cert and --tls-key, or neither"
    for option, value in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
        if value and not Path(value).is_file():
            return f"{option} {value}: no such file"
    return None


# --------------------------------------------------------------------------- shared


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def visible(text: str) -> str:
    """`text` safe to print on one terminal line: a backslash, control and format characters
    (newline, escape, the C1 controls, U+2028, bidi overrides) become escapes like \\n, \\x1b
    or \\u202e; everything else prints as it is. The escaping is reversible: nothing is hidden."""
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif unicodedata.category(char) in _INVISIBLE:
            escaped = char.encode("unicode_escape").decode("ascii")
            out.append(escaped if escaped != char else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


# Control, format, line and paragraph separators, surrogates, unassigned.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _reason(error: BaseException) -> str:
    return str(getattr(error, "strerror", None) or getattr(error, "message", None) or error)

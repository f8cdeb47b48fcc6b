"""`sevis-tui serve`: run the registration service with uvicorn; `serve admin ...` manages it.

    sevis-tui serve [--host 127.0.0.1] [--port 8470] [--db PATH] [--demo [--demo-programs N]]
                    [--tls-cert FILE --tls-key FILE] [--insecure] [--batch-port PORT]
    sevis-tui serve admin add-user USER_ID --name NAME [--email E] [--password-file F]
    sevis-tui serve admin set-password USER_ID [--password-file F]
    sevis-tui serve admin add-program NUMBER --name ... --sponsor ... --street ... --city ...
                    --state ST --zip 12345 [--category C ...] [--status S]
    sevis-tui serve admin add-official NUMBER USER_ID --role RO|ARO
    sevis-tui serve admin unlock USER_ID
    sevis-tui serve admin logout USER_ID
    sevis-tui serve admin list-users | list-programs | audit [--limit N] [--json]
    sevis-tui serve admin export FILE | import FILE      (move a service between databases)

--db is a SQLite file, or postgresql://USER@HOST[:PORT]/DBNAME (the password from PGPASSFILE or
~/.pgpass, never the URL; needs `pip install 'sevis-tui[postgres]'`).

Passwords are read from a prompt, or from --password-file (`-` for stdin): never from argv.
What is printed comes partly from outside (a user ID typed at login is audited as typed), so
every field is printed escaped: control characters show as \\n, \\x1b, ...; one event, one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevis_tui.commands import CommandError
from sevis_tui.config import Settings, paths
from sevis_tui.contract import PROGRAM_NUMBER

if TYPE_CHECKING:
    from sevis_tui.service.store import Tx

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
        "--insecure",
        action="store_true",
        help="allow plain HTTP on a non-loopback address (passwords would cross the network)",
    )
    admin = parser.add_subparsers(dest="serve_command", metavar="admin")
    admin_parser = admin.add_parser("admin", help="manage users, programs and officials")
    actions = admin_parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    def action(name: str, summary: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=summary, description=summary)
        sub.add_argument(
            "--db", dest="admin_db", metavar="PATH|URL", help="SQLite file or postgresql:// URL"
        )
        return sub

    add_user = action("add-user", "add a user (prompts for the password)")
    add_user.add_argument("user_id")
    add_user.add_argument("--name", required=True)
    add_user.add_argument("--email", default="")
    add_user.add_argument("--password-file", metavar="FILE", help="read the password (- = stdin)")
    set_password = action("set-password", "set a user's password (prompts for it)")
    set_password.add_argument("user_id")
    set_password.add_argument("--password-file", metavar="FILE")
    program = action("add-program", "add a program")
    program.add_argument("number", help="e.g. P-1-12345")
    for name in ("name", "sponsor", "street", "city", "state", "zip"):
        program.add_argument(f"--{name}", required=True)
    program.add_argument("--category", action="append", default=[], help="designation category")
    program.add_argument("--status", default="PROGRAM ACTIVE")
    program.add_argument("--designated-until", metavar="YYYY-MM-DD", help="end of designation")
    official = action("add-official", "make a user the RO or an ARO of a program")
    official.add_argument("number")
    official.add_argument("user_id")
    official.add_argument("--role", choices=["RO", "ARO"], required=True)
    unlock = action("unlock", "unlock a user ID (after 3 failures) and reactivate it")
    unlock.add_argument("user_id")
    logout = action("logout", "end every open session of a user")
    logout.add_argument("user_id")
    action("list-users", "list users with their state")
    action("list-programs", "list programs and their officials")
    audit = action("audit", "print the newest audit log entries (fields escaped)")
    audit.add_argument("--limit", type=int, default=50)
    audit.add_argument("--json", action="store_true", help="print them as one JSON array")
    export = action("export", "write all the service's data to FILE (mode 0600; holds hashes)")
    export.add_argument("file", metavar="FILE")
    load = action("import", "load an export into a new, empty database (e.g. PostgreSQL)")
    load.add_argument("file", metavar="FILE")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "serve_command", None) == "admin":
        return run_admin(args)
    return run_server(args, settings)


# --------------------------------------------------------------------------- the server


def run_server(args: argparse.Namespace, settings: Settings) -> int:
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
    import uvicorn

    from sevis_tui.service.app import create_app
    from sevis_tui.service.errors import ApiError

    database = _database(args.db)
    _open_store(database)  # a URL that must not be used is refused before anything starts
    try:
        app = create_app(
            database, settings=settings, demo=args.demo, demo_programs=args.demo_programs
        )
    except (OSError, ApiError) as error:
        raise CommandError(_cannot_open(database, error)) from None
    scheme = "https" if tls else "http"
    batch = _batch_listener(args, settings, database) if batch_port is not None else None
    label = app.state.service.store.label
    print(f"sevis-tui: serving {scheme}://{args.host}:{args.port}/api/v1 (database {label})")
    if batch is not None:
        print(
            f"sevis-tui: batch interface {batch.url}/sevisbatch/action (mutual TLS; record "
            "processing is not simulated, see docs/api.md)"
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
        )
    finally:
        if batch is not None:
            batch.stop()
    return 0


def _database(chosen: str | None) -> Path | str:
    """--db: a postgresql:// URL as given, or a SQLite file (the data folder's by default)."""
    from sevis_tui.service.store import is_postgres_url

    if chosen and is_postgres_url(chosen):
        return chosen
    return Path(chosen).expanduser() if chosen else paths().database


def _open_store(database: Path | str) -> Any:
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


def _cannot_open(database: Path | str, error: BaseException) -> str:
    from sevis_tui.service.errors import ApiError

    if isinstance(database, str) and isinstance(error, ApiError):
        return error.message  # it names the URL (password hidden) and what to check
    return f"cannot open the database {database}: {_reason(error)}"


def _batch_listener(args: argparse.Namespace, settings: Settings, database: Path | str) -> Any:
    """The batch interface on --batch-port, started in a background thread."""
    import datetime as dt
    import ssl

    from sevis_tui.policy import load_policy
    from sevis_tui.service.batch.app import create_batch_app
    from sevis_tui.service.batch.listener import (
        BatchListener,
        demo_server_identity,
        server_context,
    )
    from sevis_tui.service.demo import ensure_demo_issuer

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
            create_batch_app(database), context, host=args.host, port=args.batch_port
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


# --------------------------------------------------------------------------- administration


def run_admin(args: argparse.Namespace) -> int:
    from sevis_tui.service.agreement import ensure_agreement
    from sevis_tui.service.errors import ApiError

    database = _database(args.admin_db or args.db)
    store = _open_store(database)
    try:
        store.migrate()
        if args.admin_command in {"export", "import"}:
            return _transfer(store, args)
        store.write(ensure_agreement)
        if args.admin_command in {"add-user", "set-password"}:
            password = read_password(args.password_file)
            args.password = password
        return int(store.write(lambda tx: _admin_action(tx, args)))
    except ValueError as error:
        raise CommandError(str(error)) from None
    except ApiError as error:
        raise CommandError(error.message) from None
    except OSError as error:
        raise CommandError(_cannot_open(database, error)) from None
    finally:
        store.close()


def _transfer(store: Any, args: argparse.Namespace) -> int:
    from sevis_tui.service import transfer

    path = Path(args.file).expanduser()
    if args.admin_command == "export":
        counts = transfer.export_to(store, path)
        print(f"exported {_counts(counts)} to {path}")
    else:
        counts = transfer.import_into(store, transfer.read_export(path))
        print(f"imported {_counts(counts)} into {store.label}")
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {table}" for table, count in counts.items())


def _admin_action(tx: Tx, args: argparse.Namespace) -> int:
    from sevis_tui.service import accounts, programs

    now = _now()
    command = args.admin_command
    if command == "add-user":
        accounts.add_user(tx, args.user_id, args.name, args.password, now, email=args.email)
        print(f"added user {args.user_id}")
    elif command == "set-password":
        ended = accounts.set_password(tx, args.user_id, args.password, now)
        print(f"password set for {args.user_id}; {_sessions(ended)} ended")
    elif command == "add-program":
        if not PROGRAM_NUMBER.fullmatch(args.number):
            raise ValueError(f"program number {args.number!r} must look like P-1-12345")
        until = (
            dt.date.fromisoformat(args.designated_until)
            if args.designated_until
            else years_later(now.date(), 5)
        )
        programs.add_program(
            tx,
            number=args.number,
            name=args.name,
            sponsor=args.sponsor,
            street=args.street,
            city=args.city,
            state=args.state,
            postal_code=args.zip,
            categories=tuple(args.category),
            designated_from=now.date(),
            designated_to=until,
            status=args.status,
        )
        print(f"added program {args.number}")
    elif command == "add-official":
        programs.add_official(tx, args.number, args.user_id, args.role)
        print(f"{args.user_id} is now {args.role} of {args.number}")
    elif command == "unlock":
        accounts.unlock(tx, args.user_id, now)
        print(f"unlocked and reactivated {args.user_id}")
    elif command == "logout":
        ended = accounts.log_out_user(tx, args.user_id, now)
        print(f"logged out {args.user_id}: {_sessions(ended)} ended")
    elif command == "list-users":
        _print_rows(
            tx.execute(
                "SELECT user_id, name, failed_logins,"
                " CAST(locked_at IS NOT NULL AS INTEGER) AS locked,"  # 0 or 1 on both engines
                " COALESCE(last_login, '-') AS last_login FROM users ORDER BY user_id"
            ).fetchall()
        )
    elif command == "list-programs":
        _print_rows(
            tx.execute(
                "SELECT p.number, p.name, p.status, COALESCE(group_concat(o.user_id || ' ' ||"
                " o.role, ', '), '-') AS officials FROM programs p LEFT JOIN officials o"
                " ON o.program = p.number GROUP BY p.number ORDER BY p.number"
            ).fetchall()
        )
    elif command == "audit":
        rows = tx.execute(
            "SELECT at, user_id, action, program, result, detail FROM audit"
            " ORDER BY id DESC LIMIT ?",
            (max(1, args.limit),),
        ).fetchall()
        rows = list(reversed(rows))
        if args.json:
            # ensure_ascii: escapes every control and non-ASCII character, so nothing raw
            # reaches the terminal.
            print(json.dumps([dict(row) for row in rows], ensure_ascii=True, indent=1))
        else:
            _print_rows(rows)
    return 0


def _sessions(count: int) -> str:
    return f"{count} open session{'' if count == 1 else 's'}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _print_rows(rows: list[Any]) -> None:
    if not rows:
        print("(none)")
        return
    names = list(rows[0].keys())
    table = [names, *[[visible(str(row[name])) for name in names] for row in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(names))]
    for line in table:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


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


def read_password(password_file: str | None) -> str:
    """A new password from a file, stdin (`-`, or when not a terminal), or a prompt typed twice."""
    import getpass

    if password_file == "-" or (password_file is None and not sys.stdin.isatty()):
        return sys.stdin.readline().rstrip("\r\n")
    if password_file:
        try:
            return Path(password_file).read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as error:
            raise ValueError(f"cannot read a password from {password_file}: {error}") from None
    first = getpass.getpass("New password (12 to 64 characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def _reason(error: BaseException) -> str:
    return str(getattr(error, "strerror", None) or getattr(error, "message", None) or error)

"""`sevis-tui serve admin ACTION`: manage the registration service's users, programs, officials.

    sevis-tui serve admin add-user USER_ID --name NAME [--email E] [--password-file F]
    sevis-tui serve admin set-password USER_ID [--password-file F]
    sevis-tui serve admin deactivate USER_ID | reactivate USER_ID
    sevis-tui serve admin unlock USER_ID
    sevis-tui serve admin logout USER_ID
    sevis-tui serve admin add-program NUMBER --name ... --sponsor ... --street ... --city ...
                    --state ST --zip 12345 [--category C ...] [--status S]
    sevis-tui serve admin set-program-status NUMBER active|withdrawn|inactive
    sevis-tui serve admin add-official NUMBER USER_ID --role RO|ARO
    sevis-tui serve admin remove-official NUMBER USER_ID
    sevis-tui serve admin list-users | list-programs | audit [--limit N] [--json]
    sevis-tui serve admin export FILE | import FILE      (move a service between databases)

Every change is one transaction with its audit line. Passwords are read from a prompt, or from
--password-file (`-` for stdin): never from argv. What is printed comes partly from outside (a
user ID typed at login is audited as typed), so every field is printed escaped: control
characters show as \\n, \\x1b, ...; one event, one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sevis_tui.commands import CommandError, add_secret_file_option
from sevis_tui.commands.serve import cannot_open, database_of, open_store_of, visible, years_later
from sevis_tui.contract import PROGRAM_NUMBER

if TYPE_CHECKING:
    from sevis_tui.service.store import Tx

STATUS_WORDS = ("active", "withdrawn", "inactive")  # service.programs.STATUSES


def add_admin_arguments(admin_parser: argparse.ArgumentParser) -> None:
    actions = admin_parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    def action(name: str, summary: str, *positionals: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=summary, description=summary)
        sub.add_argument(
            "--db", dest="admin_db", metavar="PATH|URL", help="SQLite file or postgresql:// URL"
        )
        for positional in positionals:
            sub.add_argument(positional)
        return sub

    add_user = action("add-user", "add a user (prompts for the password)", "user_id")
    add_user.add_argument("--name", required=True)
    add_user.add_argument("--email", default="")
    add_secret_file_option(add_user, "--password-file", "the new password")
    set_password = action("set-password", "set a user's password (prompts for it)", "user_id")
    add_secret_file_option(set_password, "--password-file", "the new password")
    action("deactivate", "no login and no batch for a user until reactivated", "user_id")
    action("reactivate", "undo deactivate (and a lockout, and 45 days away)", "user_id")
    action("unlock", "unlock a user ID (after 3 failures) and reactivate it", "user_id")
    action("logout", "end every open session of a user", "user_id")
    program = action("add-program", "add a program", "number")
    for name in ("name", "sponsor", "street", "city", "state", "zip"):
        program.add_argument(f"--{name}", required=True)
    program.add_argument("--category", action="append", default=[], help="designation category")
    program.add_argument("--status", default="PROGRAM ACTIVE")
    program.add_argument("--designated-until", metavar="YYYY-MM-DD", help="end of designation")
    status = action("set-program-status", "make a program active, withdrawn or inactive", "number")
    status.add_argument("status", choices=STATUS_WORDS)
    official = action("add-official", "make a user the RO or an ARO of a program", "number")
    official.add_argument("user_id")
    official.add_argument("--role", choices=["RO", "ARO"], required=True)
    action(
        "remove-official", "the user is no longer an official of the program", "number", "user_id"
    )
    action("list-users", "list users with their state")
    action("list-programs", "list programs and their officials")
    audit = action("audit", "print the newest audit log entries (fields escaped)")
    audit.add_argument("--limit", type=int, default=50)
    audit.add_argument("--json", action="store_true", help="print them as one JSON array")
    action("export", "write all the service's data to FILE (mode 0600; holds hashes)", "file")
    action("import", "load an export into a new, empty database (e.g. PostgreSQL)", "file")


def run_admin(args: argparse.Namespace) -> int:
    from sevis_tui.service.agreement import ensure_agreement
    from sevis_tui.service.errors import ApiError

    database = database_of(args.admin_db or args.db)
    store = open_store_of(database)
    try:
        store.migrate()
        if args.admin_command in {"export", "import"}:
            return _transfer(store, args)
        store.write(ensure_agreement)
        if args.admin_command in {"add-user", "set-password"}:
            args.password = read_password(args.password_file)
        store.write(lambda tx: ACTIONS[args.admin_command](tx, args, _now()))
        return 0
    except ValueError as error:
        raise CommandError(str(error)) from None
    except ApiError as error:
        raise CommandError(error.message) from None
    except OSError as error:
        raise CommandError(cannot_open(database, error)) from None
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


# --------------------------------------------------------------------------- the actions
# Each runs inside one write transaction; a ValueError is the one line shown (exit 2).

Action = Callable[["Tx", argparse.Namespace, dt.datetime], None]


def _add_user(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    accounts.add_user(tx, args.user_id, args.name, args.password, now, email=args.email)
    print(f"added user {visible(args.user_id)}")


def _set_password(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    ended = accounts.set_password(tx, args.user_id, args.password, now)
    print(f"password set for {visible(args.user_id)}; {_sessions(ended)} ended")


def _deactivate(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    ended = accounts.deactivate(tx, args.user_id, now)
    print(f"deactivated {visible(args.user_id)}: {_sessions(ended)} ended")


def _reactivate(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    accounts.reactivate(tx, args.user_id, now)
    print(f"reactivated {visible(args.user_id)}")


def _unlock(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    accounts.unlock(tx, args.user_id, now)
    print(f"unlocked and reactivated {visible(args.user_id)}")


def _logout(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import accounts

    ended = accounts.log_out_user(tx, args.user_id, now)
    print(f"logged out {visible(args.user_id)}: {_sessions(ended)} ended")


def _add_program(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import programs

    _program_number(args.number)
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


def _set_program_status(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import programs

    _program_number(args.number)
    old = programs.set_status(tx, args.number, args.status, now)
    print(f"{args.number}: {visible(old)} -> {programs.STATUSES[args.status]}")


def _add_official(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import programs

    programs.add_official(tx, args.number, args.user_id, args.role)
    print(f"{visible(args.user_id)} is now {args.role} of {visible(args.number)}")


def _remove_official(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    from sevis_tui.service import programs

    _program_number(args.number)
    role = programs.remove_official(tx, args.number, args.user_id, now)
    print(f"{visible(args.user_id)} is no longer {role} of {args.number}")


def _list_users(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    _print_rows(
        tx.execute(
            "SELECT user_id, name, failed_logins,"
            " CAST(locked_at IS NOT NULL AS INTEGER) AS locked,"  # 0 or 1 on both engines
            " CAST(deactivated_at IS NOT NULL AS INTEGER) AS deactivated,"
            " COALESCE(last_login, '-') AS last_login FROM users ORDER BY user_id"
        ).fetchall()
    )


def _list_programs(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    _print_rows(
        tx.execute(
            "SELECT p.number, p.name, p.status, COALESCE(group_concat(o.user_id || ' ' ||"
            " o.role, ', '), '-') AS officials FROM programs p LEFT JOIN officials o"
            " ON o.program = p.number GROUP BY p.number ORDER BY p.number"
        ).fetchall()
    )


def _audit(tx: Tx, args: argparse.Namespace, now: dt.datetime) -> None:
    rows = tx.execute(
        "SELECT at, user_id, action, program, result, detail FROM audit ORDER BY id DESC LIMIT ?",
        (max(1, args.limit),),
    ).fetchall()
    rows = list(reversed(rows))
    if args.json:
        # ensure_ascii: escapes every control and non-ASCII character, so nothing raw
        # reaches the terminal.
        print(json.dumps([dict(row) for row in rows], ensure_ascii=True, indent=1))
    else:
        _print_rows(rows)


ACTIONS: dict[str, Action] = {
    "add-user": _add_user,
    "set-password": _set_password,
    "deactivate": _deactivate,
    "reactivate": _reactivate,
    "unlock": _unlock,
    "logout": _logout,
    "add-program": _add_program,
    "set-program-status": _set_program_status,
    "add-official": _add_official,
    "remove-official": _remove_official,
    "list-users": _list_users,
    "list-programs": _list_programs,
    "audit": _audit,
}


# --------------------------------------------------------------------------- helpers


def _program_number(number: str) -> None:
    if not PROGRAM_NUMBER.fullmatch(number):
        raise ValueError(f"program number {visible(number)!r} must look like P-1-12345")


def _sessions(count: int) -> str:
    return f"{count} open session{'' if count == 1 else 's'}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _print_rows(rows: list[Any]) -> None:
    if not rows:
        print("(none)")
        return
    names = list(rows[0].keys())
    table = [names, *[[visible(str(row[name])) for name in names] for row in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(names))]
    for line in table:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def read_password(password_file: str | None) -> str:
    """A new password from a file, stdin (`-`, or when not a terminal), or a prompt typed twice.

    A file is read like every secret's file (commands.secrets): regular, small, mode 600."""
    import getpass

    from sevis_tui.commands.secrets import read_secret_file

    if password_file is None and not sys.stdin.isatty():
        password_file = "-"
    if password_file:
        return read_secret_file(password_file, "password")
    first = getpass.getpass("New password (12 to 64 characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first

"""`sevis-tui status`: your programs, their registered certificates and days left; for cron.

Logs in (the password from a masked prompt or --password-file), lists the programs where the
user is RO or ARO, and logs out. The service and the client are imported inside `run`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sevis_tui.commands import CommandError, add_secret_file_option
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient
    from sevis_tui.contract.models import LoginResult, ProgramSummary

Clock = Callable[[], dt.datetime]
ClientFactory = Callable[[Settings], Awaitable["SevisClient"]]

EPILOG = """\
Each active program needs attention when its registered certificate has fewer than DAYS days
left (default: certificates.expiry_warning_days, 30), has expired, or when it has none.
Programs that are not active are listed but not counted. The user ID's own deadline is shown
too: a user ID that does not log in for 45 days becomes inactive (this login counts).

The user ID is --user-id, else the last one used in the app. The password is read from
--password-file (its first line; the file must be mode 600) or a masked prompt; never from
the command line. Note that three wrong passwords lock the user ID.

--json prints one JSON object (keys: user, expiring_within, attention, programs).
--quiet prints nothing when all is well.

Exit status: 0 all is well, 1 a program needs attention, 2 the check could not be made (a
usage problem, a wrong password, the service unreachable).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--expiring-within", type=int, metavar="DAYS", help="attention below this many days left"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    parser.add_argument("--user-id", help="the SEVIS user ID (default: the last one used)")
    add_secret_file_option(parser, "--password-file", "your SEVIS password")


def run(
    args: argparse.Namespace,
    settings: Settings,
    *,
    clock: Clock | None = None,
    client_factory: ClientFactory | None = None,
) -> int:
    import asyncio

    within = args.expiring_within
    if within is None:
        within = settings.certificates.expiry_warning_days
    if within < 0:
        raise CommandError("--expiring-within must be 0 or more days")
    user_id = args.user_id or _last_user_id()
    if not user_id:
        raise CommandError("give --user-id (no user ID has been used in the app yet)")
    from sevis_tui.commands.secrets import existing_secret

    password = existing_secret(
        args.password_file, f"SEVIS password for {user_id}: ", "password", "--password-file"
    ).decode("utf-8")
    factory = client_factory or _open_client
    now_of = clock or (lambda: dt.datetime.now(dt.UTC))
    login, programs = asyncio.run(_fetch(settings, factory, user_id, password))
    programs.sort(key=lambda program: program.number)
    return _report(args, login, programs, now_of(), within)


async def _open_client(settings: Settings) -> SevisClient:
    from sevis_tui.wiring.embedded import open_client

    return await open_client(settings)


def _last_user_id() -> str:
    from sevis_tui.settings.config import StateStore, paths

    return StateStore(paths().state_file).load().last_user_id


async def _fetch(
    settings: Settings, factory: ClientFactory, user_id: str, password: str
) -> tuple[LoginResult, list[ProgramSummary]]:
    import contextlib

    from sevis_tui.api.errors import SevisError

    try:
        client = await factory(settings)
        async with client:
            login = await client.login(user_id, password)
            try:
                programs = await client.programs()
            finally:
                with contextlib.suppress(SevisError):
                    await client.logout()
    except SevisError as error:
        raise CommandError(f"{error.message} {error.remedy}".strip()) from None
    return login, programs


def _report(
    args: argparse.Namespace,
    login: LoginResult,
    programs: list[ProgramSummary],
    now: dt.datetime,
    within: int,
) -> int:
    from sevis_tui.workflows.renewal import needs_attention

    reasons = {p.number: needs_attention(p, now, within) for p in programs}
    attention = any(reasons.values())
    if args.quiet and not attention:
        return 0
    if args.json:
        _print_json(login, programs, reasons, now, within, attention)
    else:
        _print_text(login, programs, reasons, now, within)
    return 1 if attention else 0


def _print_json(
    login: LoginResult,
    programs: list[ProgramSummary],
    reasons: dict[str, str],
    now: dt.datetime,
    within: int,
    attention: bool,
) -> None:
    import json

    from sevis_tui.workflows.renewal import program_days_left

    def to_json(value: dt.date | None) -> str | None:
        return value.isoformat() if value is not None else None

    user = login.user
    rows: list[dict[str, Any]] = []
    for program in programs:
        batch = program.batch
        rows.append(
            {
                "number": program.number,
                "name": program.name,
                "status": program.status,
                "role": program.role,
                "registered": batch.registered,
                "subject": batch.subject,
                "expires": to_json(batch.expires),
                "sha256": batch.sha256,
                "days_left": program_days_left(program, now),
                "attention": bool(reasons[program.number]),
                "reason": reasons[program.number],
            }
        )
    document = {
        "user": {
            "user_id": user.user_id,
            "name": user.name,
            "previous_login": to_json(user.last_login),
            "active_until": to_json(user.inactive_on),
        },
        "checked_at": to_json(now),
        "expiring_within": within,
        "attention": attention,
        "programs": rows,
    }
    sys.stdout.write(json.dumps(document, ensure_ascii=True) + "\n")


def _print_text(
    login: LoginResult,
    programs: list[ProgramSummary],
    reasons: dict[str, str],
    now: dt.datetime,
    within: int,
) -> None:
    from rich.text import Text

    from sevis_tui.cert.text_report import make_console, printable
    from sevis_tui.workflows.renewal import ACTIVE, left_phrase, program_days_left

    console = make_console(sys.stdout)
    user = login.user
    console.print(Text(f"{printable(user.user_id)} ({printable(user.name)})", style="bold"))
    if user.inactive_on is not None:
        console.print(
            f"  User ID active until {user.inactive_on:%Y-%m-%d}: log in at least every 45 days "
            "(this login counted)."
        )
    if user.last_login is not None:
        console.print(f"  Previous login {user.last_login:%Y-%m-%d %H:%M} UTC.")
    console.print()
    for program in programs:
        reason = reasons[program.number]
        mark, style = ("!", "bold yellow") if reason else (" ", "")
        line = Text(f"{mark} {program.number}  {program.role:<3}  ", style=style)
        line.append(printable(program.name))
        console.print(line)
        batch = program.batch
        left = program_days_left(program, now)
        if left is None or batch.expires is None:
            console.print("      no certificate registered", style=style)
        else:
            console.print(f"      certificate  {printable(batch.subject or '(unknown)')}")
            console.print(f"      SHA-256      {batch.sha256 or '(not given by the service)'}")
            expiry = Text(f"      expires      {batch.expires:%Y-%m-%d} ({left_phrase(left)})")
            expiry.stylize(style)
            console.print(expiry)
        if program.status != ACTIVE:
            console.print(f"      {printable(program.status)}: not counted", style="dim")
    needing = sum(1 for reason in reasons.values() if reason)
    console.print()
    if needing:
        console.print(
            Text(
                f"{needing} of {len(programs)} program{'s' * (len(programs) != 1)} need"
                f"{'s' * (needing == 1)} attention (a certificate with fewer than {within} days "
                "left, expired, or none registered).",
                style="bold yellow",
            )
        )
    else:
        console.print(
            f"All is well: every active program has a certificate with at least {within} days left."
        )

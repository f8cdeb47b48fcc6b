"""The talking part of `sevis-tui register` (see sevis_tui/commands/register.py): log in, read
the agreement, run the engine of sevis_tui/workflows/multi_register.py, print, write the receipt."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import signal
import sys
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from sevis_tui.api.errors import SevisError
from sevis_tui.commands import CommandError
from sevis_tui.commands.serve import visible
from sevis_tui.settings.config import Settings
from sevis_tui.workflows.multi_register import (
    ACTIVE,
    AgreementChanged,
    Certificate,
    MultiRegistration,
    Outcome,
    ProgramResult,
    Progress,
    Step,
    Stop,
    Target,
    receipt_text,
)

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient
    from sevis_tui.cert import FileReport
    from sevis_tui.contract import Agreement, ProgramSummary

Answer = TypeVar("Answer")
LABELS = {
    Outcome.REGISTERED: "registered",
    Outcome.ALREADY: "already registered",
    Outcome.REFUSED: "refused",
    Outcome.FAILED: "failed",
    Outcome.NOT_SENT: "not sent",
    Outcome.PENDING: "not sent",
}


async def show_agreement(args: argparse.Namespace, settings: Settings) -> int:
    from sevis_tui.workflows.printouts import reflow

    client, _password = await _log_in(args, settings)
    try:
        agreement = await _asked(client.agreement())
        print(_title(agreement))
        print()
        print(visible_text(reflow(agreement.text)))
        print()
        print(f"To accept it: --accept-agreement {agreement.version}")
    finally:
        await _leave(client)
    return 0


async def register(
    args: argparse.Namespace, settings: Settings, numbers: list[str], report: FileReport
) -> int:
    certificate = Certificate.from_report(report, Path(args.file).name)
    # In --json mode standard output holds only the programs' lines.
    notes: TextIO = sys.stderr if args.json else sys.stdout
    client, password = await _log_in(args, settings)
    try:
        agreement = await _asked(client.agreement())
        print(_title(agreement), file=notes)
        _check_version(args.accept_agreement, agreement)
        targets = _targets(numbers, await _asked(client.programs()), args.all, notes)
        print(
            f"Registering {visible(certificate.name)} (SHA-256 {certificate.sha256}) for "
            f"{len(targets)} program{'s' * (len(targets) != 1)} as {visible(args.user_id)}.",
            file=notes,
        )

        async def relogin() -> bool:
            await client.login(args.user_id, password)
            return True

        engine = MultiRegistration(
            client, targets, agreement_version=agreement.version, relogin=relogin
        )
        stop = Stop()
        with _stop_on_interrupt(stop, notes):
            try:
                await engine.register(certificate, _printer(args.json), stop)
            except AgreementChanged as error:
                raise CommandError(f"{error.message} {error.remedy}") from None
            except SevisError as error:
                raise CommandError(f"nothing was sent: {error.message} {error.remedy}") from None
        for result in engine.results:
            if result.outcome == Outcome.NOT_SENT:
                _print_result(result, args.json)
        _write_receipt(args, settings, engine, certificate, notes)
        print(_summary(engine), file=notes)
        return 0 if engine.all_done else 1
    finally:
        await _leave(client)


# --------------------------------------------------------------------------- steps


async def _log_in(args: argparse.Namespace, settings: Settings) -> tuple[SevisClient, str]:
    from sevis_tui.commands.secrets import existing_secret
    from sevis_tui.wiring.embedded import open_client

    prompt = f"SEVIS password of {args.user_id}: "
    password = existing_secret(args.password_file, prompt, "password", "--password-file").decode(
        "utf-8"
    )
    client = await _asked(open_client(settings))
    try:
        await _asked(client.login(args.user_id, password))
    except CommandError:
        await client.aclose()
        raise
    return client, password


async def _asked(call: Awaitable[Answer]) -> Answer:
    """The answer of `call`; a failure before anything was sent is a setup problem (exit 2)."""
    try:
        return await call
    except SevisError as error:
        raise CommandError(f"{error.message} {error.remedy}".strip()) from None


async def _leave(client: SevisClient) -> None:
    with contextlib.suppress(SevisError):
        await client.logout()
    await client.aclose()


def _title(agreement: Agreement) -> str:
    return (
        f"{visible(agreement.title)}, version {agreement.version} "
        f"(effective {agreement.effective.isoformat()})"
    )


def _check_version(accepted: int | None, agreement: Agreement) -> None:
    if accepted is None:
        raise CommandError(
            f"read the agreement (--show-agreement prints it), then give --accept-agreement "
            f"{agreement.version} to accept it for each program; nothing was accepted or sent"
        )
    if accepted != agreement.version:
        raise CommandError(
            f"--accept-agreement {accepted} is not the current agreement, which is version "
            f"{agreement.version}: read it (--show-agreement) and give --accept-agreement "
            f"{agreement.version}; nothing was accepted or sent"
        )


def _targets(
    numbers: list[str], listed: list[ProgramSummary], every: bool, notes: TextIO
) -> list[Target]:
    """What to register for: --all is every active program listed (the others are named and
    left out); a number not listed goes to the service, which says why it is refused."""
    if every:
        for program in listed:
            if program.status != ACTIVE:
                print(f"Left out {program.number}: {visible(program.status)}.", file=notes)
        active = [program for program in listed if program.status == ACTIVE]
        chosen = [Target.of(p) for p in sorted(active, key=lambda p: p.number)]
        if not chosen:
            raise CommandError("you are the RO or an ARO of no active program")
        return chosen
    by_number = {program.number: program for program in listed}
    return [Target.of(by_number[n]) if n in by_number else Target(n) for n in numbers]


# --------------------------------------------------------------------------- output


def _printer(as_json: bool) -> Progress:
    def progress(step: Step) -> None:
        if step.kind == "done":
            _print_result(step.result, as_json)

    return progress


def _print_result(result: ProgramResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=True), flush=True)
        return
    detail = ""
    if result.outcome == Outcome.REGISTERED and result.confirmation is not None:
        detail = result.confirmation.number
        if result.confirmation.replaced:
            detail += f" (replaced {result.confirmation.replaced})"
    elif result.outcome == Outcome.ALREADY and result.already is not None:
        detail = f"{result.already.confirmation}, nothing sent"
    elif result.error is not None:
        detail = f"{result.error.message} What to do: {result.what_to_do()}"
    else:
        detail = result.what_to_do()
    print(f"{result.number:<10} {LABELS[result.outcome]:<18} {visible(detail)}", flush=True)
    for finding in result.error.findings if result.error else ():
        print(f"{'':<11}- {finding.severity}: {visible(finding.message)} ({finding.code})")


def _summary(engine: MultiRegistration) -> str:
    total = len(engine.results)
    now = engine.count(Outcome.REGISTERED)
    before = engine.count(Outcome.ALREADY)
    line = f"{now + before} of {total} registered ({now} now, {before} before)."
    left = [result.number for result in engine.to_retry]
    if left:
        line += (
            f" Not registered: {', '.join(left)}. Run the same command again to retry them; "
            "nothing registers twice."
        )
    return line


def _write_receipt(
    args: argparse.Namespace,
    settings: Settings,
    engine: MultiRegistration,
    certificate: Certificate,
    notes: TextIO,
) -> None:
    from sevis_tui.workflows.printouts import write_text_file

    now = dt.datetime.now(dt.UTC)
    name = f"batch-registration-{now.strftime('%Y%m%d-%H%M%S')}.txt"
    path = Path(args.receipt).expanduser() if args.receipt else settings.print_folder / name
    try:
        write_text_file(path, receipt_text(engine, certificate, args.user_id, now))
    except OSError as error:
        print(
            f"sevis-tui: could not write the receipt {path}: {error.strerror or error}; the "
            "registrations stand (run the command again to get a receipt)",
            file=sys.stderr,
        )
        return
    print(f"Receipt: {path}", file=notes)


@contextlib.contextmanager
def _stop_on_interrupt(stop: Stop, notes: TextIO) -> Iterator[None]:
    """Ctrl+C stops before the next program; a second one leaves at once (exit 130)."""
    loop = asyncio.get_running_loop()

    def interrupted() -> None:
        stop.request()
        loop.remove_signal_handler(signal.SIGINT)  # the next one is a KeyboardInterrupt
        print("Stopping after this program (Ctrl+C again leaves now)…", file=notes)

    try:
        loop.add_signal_handler(signal.SIGINT, interrupted)
    except (NotImplementedError, RuntimeError, ValueError):
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def visible_text(text: str) -> str:
    return "\n".join(visible(line) for line in text.splitlines())

"""Register one certificate for several programs in one pass (docs/domain.md, One certificate,
several programs). No Textual: the app's screens and `sevis-tui register` both drive it.

    run = MultiRegistration(client, [Target.of(p) for p in marked], agreement_version=1)
    await run.accept_all(progress)              # the app's Accept; register() does it as needed
    await run.register(certificate, progress)   # one upload per program, each with its own key
    await run.register(certificate, progress)   # again: retries only what did not register

Each program keeps its own acceptance, its own registration and its own audit trail: the
engine makes the same calls the one-program flow makes, one program after the other. The
certificate is read and checked once (`Certificate.from_report`), and the same bytes go to
every program. A failure of one program (network, refusal, 403, a program gone) is recorded
for it and the others carry on; a session that ended is logged into again (`relogin`) and the
run carries on. Each program's Idempotency-Key is made once and kept, so a retry of an upload
whose answer was lost gets the first confirmation back and nothing registers twice.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import msgspec

from sevis_tui.api import errors
from sevis_tui.api.errors import SevisError

if TYPE_CHECKING:
    from sevis_tui.api.client import SevisClient
    from sevis_tui.cert import FileReport
    from sevis_tui.contract import Agreement, Confirmation, ProgramSummary, RegisteredProgram

ACTIVE = "PROGRAM ACTIVE"
Answer = TypeVar("Answer")
# Log in again after the session ended; True when it worked.
Relogin = Callable[[], Awaitable[bool]]

# The service said no for this program: trying again unchanged gives the same answer.
REFUSALS: tuple[type[SevisError], ...] = (
    errors.CertificateRejected,
    errors.NotAnOfficial,
    errors.ProgramNotFound,
    errors.ProgramInactive,
    errors.AgreementNotAccepted,
    errors.StaleAgreement,
    errors.IdempotencyConflict,
    errors.UploadTooLarge,
    errors.InvalidRequest,
)


class Outcome(enum.StrEnum):
    PENDING = "pending"  # not tried yet
    REGISTERED = "registered"
    ALREADY = "already_registered"  # this certificate was its current registration already
    REFUSED = "refused"  # the service said no (findings, not an official, gone, inactive)
    FAILED = "failed"  # network, service trouble, session: trying again may work
    NOT_SENT = "not_sent"  # stopped before it, or the run could not reach it


DONE = frozenset({Outcome.REGISTERED, Outcome.ALREADY})


class AgreementChanged(SevisError):
    """The current agreement is not the version the officer read: nothing was accepted."""

    default_code = "agreement_changed"

    def __init__(self, read: int, current: Agreement) -> None:
        super().__init__(
            f"The Batch Processing Agreement changed: you read version {read}, the current one "
            f"is version {current.version}. Nothing was accepted or uploaded.",
            "Read the new text and accept it.",
            details={"current_version": current.version},
        )
        self.current = current


@dataclass(frozen=True)
class Target:
    """A program to register for, as the listing showed it."""

    number: str
    name: str = ""
    status: str | None = None  # None when not known (named on the command line)
    replaces: str | None = None  # the confirmation number of its current registration
    replaces_subject: str | None = None

    @classmethod
    def of(cls, program: ProgramSummary) -> Target:
        return cls(
            program.number,
            program.name,
            program.status,
            program.batch.confirmation if program.batch.registered else None,
            program.batch.subject,
        )


@dataclass(frozen=True)
class Certificate:
    """What every program is sent: the certificates re-encoded from what was checked (never
    the file's bytes, which may hold a private key), read and checked once."""

    payload: bytes
    sha256: str
    subject: str
    filename: str
    name: str = ""  # its common name, for people (the subject when it has none)

    @classmethod
    def from_report(cls, report: FileReport, filename: str) -> Certificate:
        """From a report without error findings; ValueError otherwise."""
        if not report.ok or report.subject is None:
            raise ValueError("the file has error findings: it cannot be registered")
        info = report.subject
        return cls(
            report.certificates_only(),
            info.sha256,
            info.subject,
            filename,
            info.subject_common_name or info.subject,
        )


def _new_key() -> str:
    # The client (and httpx) only when a run is made, not when the app starts.
    from sevis_tui.api.client import new_idempotency_key

    return new_idempotency_key()


@dataclass
class ProgramResult:
    """One program's progress and outcome; its Idempotency-Key lives as long as the run."""

    target: Target
    key: str = field(default_factory=_new_key)
    outcome: Outcome = Outcome.PENDING
    accepted_version: int | None = None
    uploaded: bool = False  # an upload was sent (its answer may have been lost)
    confirmation: Confirmation | None = None
    already: RegisteredProgram | None = None
    error: SevisError | None = None

    @property
    def number(self) -> str:
        return self.target.number

    @property
    def done(self) -> bool:
        return self.outcome in DONE

    def summary(self) -> str:
        """The outcome in a few words: the confirmation number, or what went wrong."""
        if self.outcome == Outcome.REGISTERED and self.confirmation is not None:
            return f"registered, confirmation {self.confirmation.number}"
        if self.outcome == Outcome.ALREADY and self.already is not None:
            return f"already registered with this certificate ({self.already.confirmation})"
        if self.error is not None:
            word = {"refused": "refused", "failed": "failed"}.get(self.outcome, "not sent")
            return f"{word}: {self.error.message}"
        return {"pending": "not tried yet", "not_sent": "not sent"}.get(self.outcome, self.outcome)

    def what_to_do(self) -> str:
        if self.outcome == Outcome.REGISTERED:
            return "Nothing: keep the confirmation number."
        if self.outcome == Outcome.ALREADY:
            return "Nothing: it was registered before; nothing was sent."
        if self.outcome == Outcome.FAILED:
            remedy = self.error.remedy if self.error else ""
            return f"{remedy} Then retry the failed ones (nothing registers twice).".strip()
        if self.outcome == Outcome.REFUSED and self.error is not None:
            return self.error.remedy or "Read the message."
        return "It was not sent: retry the failed ones (or run the command again)."

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for `register --json`."""
        error = self.error
        return {
            "program": self.number,
            "name": self.target.name,
            "outcome": str(self.outcome),
            "confirmation": self.confirmation.number if self.confirmation else None,
            "replaced": self.confirmation.replaced if self.confirmation else None,
            "already": self.already.confirmation if self.already else None,
            "code": error.code if error else None,
            "message": error.message if error else None,
            "remedy": error.remedy if error else None,
            "findings": msgspec.to_builtins(error.findings if error else ()),
            "what_to_do": self.what_to_do(),
        }


@dataclass(frozen=True)
class Step:
    """Reported to `progress`: a program started ("start") or has its outcome ("done")."""

    kind: Literal["start", "done"]
    result: ProgramResult
    position: int  # 1-based among this pass's programs
    total: int


Progress = Callable[[Step], None]


class Stop:
    """Asked for by the officer (Escape, Ctrl+C): the run stops before the next program."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        self.requested = True


class MultiRegistration:
    def __init__(
        self,
        client: SevisClient,
        targets: Sequence[Target],
        *,
        agreement_version: int,
        relogin: Relogin | None = None,
    ) -> None:
        self.client = client
        self.agreement_version = agreement_version
        self.relogin = relogin
        unique = {target.number: target for target in targets}
        self.results = [ProgramResult(target) for target in unique.values()]
        # Why the last pass stopped early ("" when it did not).
        self.stopped_because = ""

    # ------------------------------------------------------------------ what stands

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome in outcomes)

    @property
    def to_retry(self) -> list[ProgramResult]:
        return [result for result in self.results if not result.done]

    @property
    def all_done(self) -> bool:
        return not self.to_retry

    # ------------------------------------------------------------------ the passes

    async def check_agreement(self) -> Agreement:
        """The current agreement; AgreementChanged unless it is the version read."""
        current = await self._call(self.client.agreement)
        if current.version != self.agreement_version:
            raise AgreementChanged(self.agreement_version, current)
        return current

    async def accept_all(self, progress: Progress | None = None, stop: Stop | None = None) -> None:
        """Accept the agreement for each program not accepted yet, one acceptance (audited)
        each. Raises AgreementChanged before accepting anything if the version changed."""
        await self.check_agreement()
        todo = [r for r in self.results if not r.done and r.accepted_version is None]
        await self._each(todo, self._accept, progress, stop)

    async def register(
        self, certificate: Certificate, progress: Progress | None = None, stop: Stop | None = None
    ) -> None:
        """Accept where needed and upload, for each program not registered yet. Programs that
        already have this certificate as their current registration are not sent again."""
        await self.check_agreement()
        already = await self._call(lambda: self.client.registered_with(certificate.sha256))
        found = {item.number: item for item in already.programs}

        async def one(result: ProgramResult) -> None:
            # An upload already sent is repeated with its key (its answer may have been lost):
            # the service answers the first confirmation, and nothing registers twice.
            if result.number in found and not result.uploaded:
                result.already = found[result.number]
                result.outcome = Outcome.ALREADY
                return
            if result.target.status not in (None, ACTIVE):
                raise errors.ProgramInactive(
                    f"{result.number} is {result.target.status}: it cannot register.",
                    "Only active programs register for batch processing.",
                )
            if result.accepted_version != self.agreement_version:
                await self._accept(result)
            result.uploaded = True
            confirmation = await self._call(
                lambda: self.client.upload_certificate(
                    result.number, certificate.payload, certificate.filename, result.key
                )
            )
            if confirmation.already_registered:  # the service saw what the lookup did not
                from sevis_tui.contract import RegisteredProgram

                result.already = RegisteredProgram(
                    number=result.number,
                    confirmation=confirmation.number,
                    registered_at=confirmation.time,
                    user_id=confirmation.user_id,
                )
                result.outcome = Outcome.ALREADY
                return
            result.confirmation = confirmation
            result.outcome = Outcome.REGISTERED

        await self._each(self.to_retry, one, progress, stop)

    # ------------------------------------------------------------------ one program

    async def _accept(self, result: ProgramResult) -> None:
        number = result.number
        acceptance = await self._call(
            lambda: self.client.accept_agreement(number, self.agreement_version)
        )
        result.accepted_version = acceptance.version

    async def _each(
        self,
        todo: list[ProgramResult],
        work: Callable[[ProgramResult], Awaitable[None]],
        progress: Progress | None,
        stop: Stop | None,
    ) -> None:
        self.stopped_because = ""
        report = progress or (lambda step: None)
        total = len(todo)
        for position, result in enumerate(todo, start=1):
            if self.stopped_because or (stop is not None and stop.requested):
                self.stopped_because = self.stopped_because or "stopped"
                if result.outcome == Outcome.PENDING:
                    result.outcome = Outcome.NOT_SENT
                continue
            report(Step("start", result, position, total))
            result.error = None
            try:
                await work(result)
            except errors.SessionExpired as error:
                self._failed(result, error, Outcome.FAILED)
                self.stopped_because = "session"  # logging in again did not work
            except (errors.StaleAgreement, AgreementChanged) as error:
                self._failed(result, error, Outcome.REFUSED)
                self.stopped_because = "agreement"  # it changed during the run
            except REFUSALS as error:
                self._failed(result, error, Outcome.REFUSED)
            except SevisError as error:
                self._failed(result, error, Outcome.FAILED)
            report(Step("done", result, position, total))

    @staticmethod
    def _failed(result: ProgramResult, error: SevisError, outcome: Outcome) -> None:
        result.error = error
        result.outcome = outcome

    async def _call(self, step: Callable[[], Awaitable[Answer]]) -> Answer:
        """`step()`; after a session that ended, log in again and repeat it once."""
        try:
            return await step()
        except errors.SessionExpired:
            if self.relogin is None or not await self._relogin():
                raise
            return await step()

    async def _relogin(self) -> bool:
        assert self.relogin is not None
        try:
            return await self.relogin()
        except SevisError:
            return False


def receipt_text(
    run: MultiRegistration, certificate: Certificate, officer: str, when: dt.datetime
) -> str:
    """The one receipt of a run: every program's outcome (write it with
    `printouts.write_text_file`)."""
    from sevis_tui.workflows.printouts import programs_receipt_printout

    registered = run.count(Outcome.REGISTERED, Outcome.ALREADY)
    fields = [
        ("Officer", officer),
        ("Time", when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("Certificate", certificate.subject),
        ("SHA-256", certificate.sha256),
        ("File", certificate.filename),
        ("Agreement version", str(run.agreement_version)),
        ("Programs", f"{registered} of {len(run.results)} registered"),
    ]
    rows = [
        (result.number, result.target.name, result.summary(), result.what_to_do())
        for result in run.results
    ]
    return programs_receipt_printout(
        "SEVIS batch processing registration: one certificate, several programs", fields, rows
    )

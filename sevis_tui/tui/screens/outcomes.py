"""What a screen reports when its part of the walk is done: one message per outcome.

A screen posts an Outcome and says nothing about what comes next; the message bubbles up to the
app, whose flow (sevis_tui/tui/flow.py) decides which screen that is. Questions a screen asks for
itself (a confirmation, a file name, a menu choice) are not outcomes: they answer their screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from sevis_tui.api.errors import SevisError

if TYPE_CHECKING:
    # Only named here: importing the wire contract would cost the first screen's start-up.
    from sevis_tui.contract import BatchSummary, Confirmation
    from sevis_tui.workflows.multi_register import Certificate, MultiRegistration, Target


class Outcome(Message):
    """Something happened that may lead to another screen."""


class LoggedIn(Outcome):
    """The officer logged in; `relogin`: again, after the session had ended."""

    def __init__(self, *, relogin: bool) -> None:
        super().__init__()
        self.relogin = relogin


class SessionEnded(Outcome):
    """The service ended the session; `retry` repeats what was being asked when it did."""

    def __init__(self, retry: Callable[[], object]) -> None:
        super().__init__()
        self.retry = retry


class InspectionWanted(Outcome):
    """Check certificate files offline (from the login screen or the palette)."""


class ProgramChosen(Outcome):
    """A program was opened on the Listing of Programs."""

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number


class LoggedOut(Outcome):
    """The officer logged out."""


class RegistrationChosen(Outcome):
    """Register for Batch Processing was chosen for a program; `held`: its registration as
    the Program Sponsor Information showed it (which certificate it holds)."""

    def __init__(self, number: str, program_name: str, held: BatchSummary | None = None) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        self.held = held


class BatchStatusWanted(Outcome):
    """View Batch Registration was chosen for a program."""

    def __init__(self, number: str, program_name: str) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name


class SendBatchWanted(Outcome):
    """Send a batch file for a program, and read each record's result."""

    def __init__(self, number: str, program_name: str) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name


class BatchAccessWanted(Outcome):
    """Check batch access: will this key and user ID be accepted for a program's batches?"""

    def __init__(self, number: str, program_name: str) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name


class AgreementAccepted(Outcome):
    """The officer accepted the Batch Processing Agreement for a program (`held` as in
    RegistrationChosen)."""

    def __init__(self, number: str, program_name: str, held: BatchSummary | None = None) -> None:
        super().__init__()
        self.number = number
        self.program_name = program_name
        self.held = held


class Registered(Outcome):
    """The service registered the uploaded certificate."""

    def __init__(self, confirmation: Confirmation) -> None:
        super().__init__()
        self.confirmation = confirmation


class Refused(Outcome):
    """The service refused the uploaded certificate; `error.findings` say why."""

    def __init__(self, error: SevisError) -> None:
        super().__init__()
        self.error = error


class AnotherFileWanted(Outcome):
    """After a refusal: choose another file (the agreement stays accepted)."""


class RegistrationFinished(Outcome):
    """The officer is done with the outcome of an upload."""


class CertificateToolWanted(Outcome):
    """One of the certificate's-life screens, offline and from anywhere (login, the palette):
    `tool` is "request" (key and CSR), "assemble" (the .p12) or "extract" (the certificate)."""

    def __init__(self, tool: str) -> None:
        super().__init__()
        self.tool = tool


class ProgramsMarked(Outcome):
    """Register for batch processing was chosen for the programs marked on the Listing."""

    def __init__(self, targets: Sequence[Target]) -> None:
        super().__init__()
        self.targets = list(targets)


class AgreementAcceptedForPrograms(Outcome):
    """The agreement was accepted for each marked program (`note`: any that refused)."""

    def __init__(self, engine: MultiRegistration, note: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.note = note


class UploadConfirmedForPrograms(Outcome):
    """The file was checked and the officer confirmed the list: register it for each."""

    def __init__(self, engine: MultiRegistration, certificate: Certificate) -> None:
        super().__init__()
        self.engine = engine
        self.certificate = certificate


class ProgramsRegistrationFinished(Outcome):
    """The officer is done with the results of a registration for several programs."""


class WentBack(Outcome):
    """Escape (or Decline): back one step."""

"""Which screen comes next: the whole walk in one place, to read from top to bottom.

    Log in → Listing of Programs → Program Sponsor Information → (Actions) Register for Batch
    Processing → the agreement → Upload Certificate → Confirmation, or the refusal and another file

    Several programs at once: Listing of Programs (marked) → the agreement, once → Upload
    Certificate, once → one registration per program and the results table → the Listing

    Offline, from anywhere: Inspect files; Request a certificate, Assemble the .p12, Extract

    and off the walk: View Batch Registration, Check batch access, offline inspection

Screens never open the next screen themselves: each posts an Outcome (tui/screens/outcomes.py)
saying what happened, the app hands it to `Flow.after`, and the cases below push or pop screens. The
dialogs a screen asks for itself (a yes/no question, a file name, the Actions menu) answer that
screen directly and are not part of the flow.

Each screen module is imported where its screen is first needed: importing them all at once would
cost more than the app's start-up budget (benchmarks/startup.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.screen import Screen

from sevis_tui.tui.screens.outcomes import (
    AgreementAccepted,
    AgreementAcceptedForPrograms,
    AnotherFileWanted,
    BatchAccessWanted,
    BatchStatusWanted,
    CertificateToolWanted,
    InspectionWanted,
    LoggedIn,
    LoggedOut,
    Outcome,
    ProgramChosen,
    ProgramsMarked,
    ProgramsRegistrationFinished,
    Refused,
    Registered,
    RegistrationChosen,
    RegistrationFinished,
    SendBatchWanted,
    SessionEnded,
    UploadConfirmedForPrograms,
    WentBack,
)

S = TypeVar("S", bound=Screen[Any])


class Flow:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        # What the officer was doing when the session ended, repeated once logged in again.
        self._after_login: list[Callable[[], object]] = []

    def first_screen(self) -> Screen[Any]:
        """The screen the app opens with, at the bottom of the stack: Log in.

        The app's default screen, rather than one pushed over Textual's empty default screen:
        a screen under the top one is laid out and painted too, which costs start-up time.
        """
        from sevis_tui.tui.screens.login import LoginScreen

        return LoginScreen()

    def after(self, outcome: Outcome) -> None:
        """Open, or go back to, the screen that follows `outcome`."""
        app = self.app
        match outcome:
            case LoggedIn(relogin=False):
                from sevis_tui.tui.screens.programs import ProgramsScreen

                app.push_screen(ProgramsScreen())

            case ProgramChosen(number=number):
                from sevis_tui.tui.screens.sponsor import SponsorScreen

                app.push_screen(SponsorScreen(number))

            case RegistrationChosen(number=number, program_name=name, held=held):
                from sevis_tui.tui.screens.agreement import AgreementScreen

                app.push_screen(AgreementScreen(number, name, held=held))

            case AgreementAccepted(number=number, program_name=name, held=held):
                from sevis_tui.tui.screens.upload import UploadScreen

                app.push_screen(UploadScreen(number, name, held=held))

            case Registered(confirmation=confirmation):
                from sevis_tui.tui.screens.result import ResultScreen

                app.push_screen(ResultScreen.confirmed(confirmation))

            case Refused(error=error):
                from sevis_tui.tui.screens.result import ResultScreen

                app.push_screen(ResultScreen.rejected(error))

            case AnotherFileWanted():
                # Back to the browser of the upload: the agreement stays accepted.
                from sevis_tui.tui.screens.upload import UploadScreen

                upload = self._back_to(UploadScreen)
                if upload is not None:
                    upload.action_browse()

            case RegistrationFinished():
                # Back to Program Sponsor Information, past the accepted agreement.
                from sevis_tui.tui.screens.sponsor import SponsorScreen

                self._back_to(SponsorScreen)

            case ProgramsMarked(targets=targets):
                from sevis_tui.tui.screens.multi_agreement import MultiAgreementScreen

                app.push_screen(MultiAgreementScreen(targets))

            case AgreementAcceptedForPrograms(engine=engine, note=note):
                from sevis_tui.tui.screens.multi_upload import MultiUploadScreen

                app.push_screen(MultiUploadScreen(engine, note=note))

            case UploadConfirmedForPrograms(engine=engine, certificate=certificate):
                from sevis_tui.tui.screens.multi_run import MultiRunScreen

                app.push_screen(MultiRunScreen(engine, certificate))

            case ProgramsRegistrationFinished():
                # Back to the Listing, past the agreement and the upload; the marks are done.
                from sevis_tui.tui.screens.programs import ProgramsScreen

                listing = self._back_to(ProgramsScreen)
                if listing is not None:
                    listing.clear_marks()

            case BatchStatusWanted(number=number, program_name=name):
                from sevis_tui.tui.screens.batch_status import BatchStatusScreen

                app.push_screen(BatchStatusScreen(number, name))

            case BatchAccessWanted(number=number, program_name=name):
                # From Program Sponsor Information or View Batch Registration.
                from sevis_tui.tui.screens.batch_access import BatchAccessScreen

                app.push_screen(BatchAccessScreen(number, name))

            case SendBatchWanted(number=number, program_name=name):
                from sevis_tui.tui.screens.send_batch import SendBatchScreen

                app.push_screen(SendBatchScreen(number, name))

            case InspectionWanted():
                # Offline, from anywhere (the login screen, the palette); never twice over.
                from sevis_tui.tui.screens.inspect import InspectScreen

                if not isinstance(app.screen, InspectScreen):
                    app.push_screen(InspectScreen())

            case CertificateToolWanted(tool=tool):
                # Offline, from the login screen or the palette; never twice over.
                from sevis_tui.tui.screens.certificate_tools import screen_for

                kind = screen_for(tool)
                if not isinstance(app.screen, kind):
                    app.push_screen(kind())

            case WentBack():
                # The first screen stays: going back from it would leave an empty terminal.
                if len(app.screen_stack) > 1:
                    app.pop_screen()

            case LoggedOut():
                from sevis_tui.tui.screens.login import LoginScreen

                self._back_to(LoginScreen)

            case SessionEnded(retry=retry):
                # Log in again over the current screen, then carry on: nothing done is lost.
                from sevis_tui.tui.screens.login import LoginScreen

                self._after_login.append(retry)
                if len(self._after_login) == 1:
                    app.push_screen(LoginScreen(relogin=True))

            case LoggedIn(relogin=True):
                app.pop_screen()
                waiting, self._after_login = self._after_login, []
                for retry in waiting:
                    retry()

    def _back_to(self, kind: type[S]) -> S | None:
        """Close screens until one of `kind` is on top (the first screen always stays)."""
        app = self.app
        while not isinstance(app.screen, kind) and len(app.screen_stack) > 1:
            app.pop_screen()
        screen = app.screen
        return screen if isinstance(screen, kind) else None

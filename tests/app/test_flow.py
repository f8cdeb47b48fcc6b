"""The flow decides which screen follows each Outcome; no screen of the walk opens another."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.screen import Screen

import sevis_tui.tui.screens
from sevis_tui.api.errors import SevisError
from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.agreement import AgreementScreen
from sevis_tui.tui.screens.batch_access import BatchAccessScreen
from sevis_tui.tui.screens.batch_status import BatchStatusScreen
from sevis_tui.tui.screens.inspect import InspectScreen
from sevis_tui.tui.screens.login import LoginScreen
from sevis_tui.tui.screens.outcomes import (
    AgreementAccepted,
    BatchAccessWanted,
    BatchStatusWanted,
    InspectionWanted,
    LoggedIn,
    LoggedOut,
    ProgramChosen,
    Refused,
    RegistrationChosen,
    RegistrationFinished,
    SessionEnded,
    WentBack,
)
from sevis_tui.tui.screens.programs import ProgramsScreen
from sevis_tui.tui.screens.result import ResultScreen
from sevis_tui.tui.screens.sponsor import SponsorScreen
from sevis_tui.tui.screens.upload import UploadScreen

from .pilot_support import log_in, settle

WALK = {"login", "programs", "sponsor", "agreement", "upload", "result", "inspect"}
WALK |= {"batch_status", "batch_access", "multi_upload", "multi_run"}
WALK |= {"request_certificate", "assemble_p12", "extract_certificate"}
NUMBER = "P-1-00001"


def kinds(app: SevisApp) -> list[type[Screen[object]]]:
    return [type(screen) for screen in app.screen_stack]


async def test_each_outcome_opens_the_screen_the_map_names(plain_settings: Settings) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)  # LoggedIn(relogin=False) -> the Listing of Programs
        assert kinds(app) == [LoginScreen, ProgramsScreen]
        flow = app.flow
        steps = [
            (ProgramChosen(NUMBER), SponsorScreen),
            (RegistrationChosen(NUMBER, "Demo"), AgreementScreen),
            (AgreementAccepted(NUMBER, "Demo"), UploadScreen),
            (Refused(SevisError("refused")), ResultScreen),
        ]
        expected: list[type[Screen[object]]] = [LoginScreen, ProgramsScreen]
        for outcome, kind in steps:
            flow.after(outcome)
            await settle(pilot)
            expected.append(kind)
            assert kinds(app) == expected, outcome
        sponsor = app.screen_stack[2]
        assert isinstance(sponsor, SponsorScreen) and sponsor.number == NUMBER
        # Done with the outcome: back to Program Sponsor Information, past the agreement, in one go.
        flow.after(RegistrationFinished())
        await settle(pilot)
        assert kinds(app) == [LoginScreen, ProgramsScreen, SponsorScreen]
        flow.after(BatchStatusWanted(NUMBER, "Demo"))
        await settle(pilot)
        assert kinds(app)[-1] is BatchStatusScreen
        flow.after(BatchAccessWanted(NUMBER, "Demo"))
        await settle(pilot)
        assert kinds(app)[-2:] == [BatchStatusScreen, BatchAccessScreen]
        flow.after(WentBack())
        await settle(pilot)
        flow.after(WentBack())
        await settle(pilot)
        assert kinds(app) == [LoginScreen, ProgramsScreen, SponsorScreen]
        # Inspection opens once, however often it is asked for.
        flow.after(InspectionWanted())
        flow.after(InspectionWanted())
        await settle(pilot)
        assert kinds(app)[-2:] == [SponsorScreen, InspectScreen]
        flow.after(LoggedOut())
        await settle(pilot)
        assert kinds(app) == [LoginScreen]
        # Back from the first screen would leave an empty terminal: it stays.
        flow.after(WentBack())
        await settle(pilot)
        assert kinds(app) == [LoginScreen]


async def test_an_ended_session_logs_in_over_the_screen_then_repeats_once(
    plain_settings: Settings,
) -> None:
    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        repeated: list[str] = []
        app.flow.after(SessionEnded(lambda: repeated.append("first")))
        app.flow.after(SessionEnded(lambda: repeated.append("second")))
        await settle(pilot)
        # Two requests ended with the session: one login screen, both repeated after it.
        assert kinds(app) == [LoginScreen, ProgramsScreen, LoginScreen]
        assert repeated == []
        app.flow.after(LoggedIn(relogin=True))
        await settle(pilot)
        assert kinds(app) == [LoginScreen, ProgramsScreen]
        assert repeated == ["first", "second"]


def test_no_screen_of_the_walk_imports_another() -> None:
    """Only the flow knows which screen follows which: a walk screen naming another is a bug."""
    folder = Path(sevis_tui.tui.screens.__file__).parent
    for name in WALK:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        named = {
            node.module.rsplit(".", 1)[-1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            if node.module.startswith("sevis_tui.tui.screens.")
        }
        assert not named & (WALK - {name}), (name, named & WALK)


def test_the_agreement_for_several_programs_imports_only_its_base() -> None:
    """MultiAgreementScreen is the agreement screen for several programs (a subclass): it names
    that screen and no other of the walk."""
    path = Path(sevis_tui.tui.screens.__file__).parent / "multi_agreement.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = {
        node.module.rsplit(".", 1)[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        if node.module.startswith("sevis_tui.tui.screens.")
    }
    assert named & WALK == {"agreement"}, named


async def test_several_programs_go_agreement_upload_run_and_back_to_the_listing(
    plain_settings: Settings,
) -> None:
    from sevis_tui.tui.screens.multi_agreement import MultiAgreementScreen
    from sevis_tui.tui.screens.multi_run import MultiRunScreen
    from sevis_tui.tui.screens.multi_upload import MultiUploadScreen
    from sevis_tui.tui.screens.outcomes import (
        AgreementAcceptedForPrograms,
        ProgramsMarked,
        ProgramsRegistrationFinished,
        UploadConfirmedForPrograms,
    )
    from sevis_tui.workflows.multi_register import Certificate, MultiRegistration, Target

    app = SevisApp(plain_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        targets = [Target(NUMBER, "Demo"), Target("P-1-00002", "Other")]
        app.flow.after(ProgramsMarked(targets))
        await settle(pilot)
        assert kinds(app)[-1] is MultiAgreementScreen
        client = await app.get_client()
        engine = MultiRegistration(client, targets, agreement_version=1)
        app.flow.after(AgreementAcceptedForPrograms(engine))
        await settle(pilot)
        assert kinds(app)[-1] is MultiUploadScreen
        # No real certificate: the service refuses it for each program; only the screens count.
        nothing = Certificate(b"", "00" * 32, "CN=none", "none.pem")
        app.flow.after(UploadConfirmedForPrograms(engine, nothing))
        await settle(pilot)
        assert kinds(app)[-1] is MultiRunScreen
        app.flow.after(ProgramsRegistrationFinished())
        await settle(pilot)
        assert kinds(app) == [LoginScreen, ProgramsScreen]

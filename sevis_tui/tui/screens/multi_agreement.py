"""Batch Process Registration · Agreement, once for several programs: the same text, the list
of programs it will be accepted for, and one acceptance recorded per program on Accept."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from sevis_tui.api.errors import SessionExpired, SevisError
from sevis_tui.contract import Agreement
from sevis_tui.tui.dialogs.programs_confirm import programs_line
from sevis_tui.tui.screens.agreement import HEADING, AgreementScreen
from sevis_tui.tui.screens.outcomes import AgreementAcceptedForPrograms
from sevis_tui.workflows.multi_register import (
    AgreementChanged,
    MultiRegistration,
    Outcome,
    Step,
    Target,
)


class MultiAgreementScreen(AgreementScreen):
    LOCATION = "Batch Process Registration · Agreement · Several programs"
    HELP = f"""
# Batch Processing Agreement, for several programs

Read the **{HEADING}** once. The line above the text lists the programs it will be accepted for;
{{key:agreement.accept}} (Accept) records one acceptance for each program (each is audited, each
of this version), as if you had accepted it on each program's page.

- Scroll with the arrows, **Page Down** and **End**. Accept becomes available once you have
  reached the end of the text.
- {{key:agreement.print}} prints the agreement, with the list of programs, to a file for your
  records.
- {{key:agreement.decline}} or {{key:screen.back}} declines and returns to the Listing of Programs.

If the agreement changes before you accept, nothing is accepted and the new text is shown.
"""

    class Accepting(Message):
        def __init__(self, step: Step) -> None:
            super().__init__()
            self.step = step

    class AllAccepted(Message):
        def __init__(self, error: SevisError | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, targets: Sequence[Target]) -> None:
        numbers = ", ".join(target.number for target in targets)
        super().__init__(numbers, "")
        self.targets = list(targets)
        self.engine: MultiRegistration | None = None
        # Why the text was loaded again (the agreement changed), said once it is shown.
        self.changed_note = ""

    def show(self, agreement: Agreement) -> None:
        super().show(agreement)
        if self.changed_note:
            self.message.show(self.changed_note, "The new version is shown: read it, then accept.")
            self.changed_note = ""

    def _changed(self, note: str) -> None:
        self.engine = None
        self.changed_note = note
        self.load()

    def title_text(self) -> str:
        return programs_line([t.number for t in self.targets], max(40, self.size.width - 2))

    def action_accept(self) -> None:
        agreement = self.agreement
        if agreement is None or not self.read_to_end:
            return
        self.message.show("Recording your acceptance for each program…", tone="working")
        self.run_worker(self._accept_all(agreement.version), group="accept", exclusive=True)

    async def _accept_all(self, version: int) -> None:
        try:
            client = await self.sevis.get_client()
            if self.engine is None or self.engine.agreement_version != version:
                self.engine = MultiRegistration(client, self.targets, agreement_version=version)
            self.engine.client = client
            await self.engine.accept_all(self._progress)
        except SevisError as error:
            self.post_message(self.AllAccepted(error))
        else:
            self.post_message(self.AllAccepted(None))

    def _progress(self, step: Step) -> None:
        self.post_message(self.Accepting(step))

    def on_multi_agreement_screen_accepting(self, event: Accepting) -> None:
        step = event.step
        if step.kind == "start":
            self.message.show(
                f"Accepting for {step.result.number} ({step.position} of {step.total})…",
                tone="working",
            )

    def on_multi_agreement_screen_all_accepted(self, event: AllAccepted) -> None:
        engine = self.engine
        error = event.error
        if isinstance(error, AgreementChanged):
            self._changed(error.message)
            return
        if error is not None:
            if isinstance(error, SessionExpired):
                self.session_ended(self.action_accept)  # then accept for those not accepted yet
                return
            self.show_error(error, retry=False)
            return
        assert engine is not None
        if engine.stopped_because == "session":
            self.session_ended(self.action_accept)
            return
        if engine.stopped_because == "agreement":
            self._changed("The agreement changed while it was being accepted.")
            return
        self.message.clear()
        self.accepted_all(engine)

    def accepted_all(self, engine: MultiRegistration) -> None:
        note = ""
        refused = [r for r in engine.results if r.outcome in (Outcome.REFUSED, Outcome.FAILED)]
        if refused:
            first = refused[0].error.message if refused[0].error else ""
            numbers = ", ".join(r.number for r in refused)
            note = f"Not accepted for {numbers}: {first} The other programs go on."
        self.post_message(AgreementAcceptedForPrograms(engine, note))

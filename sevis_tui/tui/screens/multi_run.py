"""Batch Process Registration · several programs: the uploads, one per program, then the
results table (program, outcome, what to do), "retry the failed ones" and one receipt.

The engine (sevis_tui/workflows/multi_register.py) runs in a worker; it reports each program's
start and outcome through messages, and the handlers here change the widgets.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from sevis_tui.api.errors import SessionExpired, SevisError
from sevis_tui.tui.dialogs.save_dialog import SaveDialog
from sevis_tui.tui.palette import PaletteCommand
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.screens.outcomes import ProgramsRegistrationFinished
from sevis_tui.tui.widgets.key_line import KeyLine, bound_keys
from sevis_tui.tui.widgets.program_outcomes import ProgramOutcomes
from sevis_tui.workflows.multi_register import (
    AgreementChanged,
    Certificate,
    MultiRegistration,
    Outcome,
    Step,
    Stop,
    receipt_text,
)
from sevis_tui.workflows.printouts import safe_file_part

FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class MultiRunScreen(SevisScreen):
    LOCATION = "Batch Process Registration · Several programs"
    RETRY_HINT = "r: retry the failed ones"  # the key bar shows the key in force
    HELP = """
# Registering one certificate for several programs

The certificate is uploaded to one program after the other, each with its own acceptance, its own
registration and its own confirmation number. The line above the table counts them ("3 of 7
registered"); the table shows each program's outcome and what to do.

- {key:multi.stop} during the run stops before the next program: the programs done stay done,
  the others are marked "not sent".
- {key:multi.retry_failed} retries the failed ones (and those not sent): only they are sent
  again, each with its original Idempotency-Key, so nothing registers twice.
- {key:multi.save_receipt} saves one receipt that lists every program's outcome.
- {key:multi.done} (or {key:screen.back} once the run is over) returns to the Listing of
  Programs.
- Up and down move in the table; the line under it shows the highlighted program in full.

A program that fails does not stop or undo the others. If your session ends during the run, you
log in again and the run carries on with the rest.
"""

    BINDINGS = [
        Binding("r", "retry", "Retry the failed ones", id="multi.retry_failed"),
        Binding("s", "save_receipt", "Save receipt", id="multi.save_receipt"),
        Binding("enter", "done", "Done", id="multi.done"),
        # Escape stops a run; once it is over, it goes back like Done.
        Binding("escape", "stop", "Stop", id="multi.stop"),
        Binding("escape", "done", "Done", id="screen.back"),
    ]

    DEFAULT_CSS = """
    MultiRunScreen #run-title {
        padding: 0 1; height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    MultiRunScreen #run-progress { padding: 0 1; height: 1; text-style: bold; }
    MultiRunScreen #run-detail { padding: 0 1; height: auto; max-height: 4; color: $text-muted; }
    """

    class Progressed(Message):
        def __init__(self, step: Step) -> None:
            super().__init__()
            self.step = step

    class Ran(Message):
        """The pass is over; `error` when it could not start (nothing was sent)."""

        def __init__(self, error: SevisError | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, engine: MultiRegistration, certificate: Certificate) -> None:
        super().__init__()
        self.engine = engine
        self.certificate = certificate
        self.stop = Stop()
        self.worker: Worker[None] | None = None
        self.receipt_path: Path | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        title = f"{self.certificate.name} · {self.certificate.filename}"
        yield Static(Text(title), id="run-title")
        yield Static("", id="run-progress")
        yield ProgramOutcomes(id="outcomes")
        yield Static("", id="run-detail")
        yield KeyLine()

    def on_mount(self) -> None:
        table = self.query_one(ProgramOutcomes)
        for result in self.engine.results:
            table.show(result)
        table.focus()
        self.start()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Retry the failed ones", "Send again only what did not register", self.action_retry),
            ("Save the receipt", "Every program's outcome in one file", self.action_save_receipt),
        ]

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state not in FINISHED

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return not self.running and not self.engine.all_done
        if action in ("save_receipt", "done"):
            return not self.running
        if action == "stop":
            return self.running
        return True

    # ------------------------------------------------------------------ the run

    def start(self) -> None:
        self.stop = Stop()
        stop = self._key("multi.stop", "Escape")
        self.message.show(f"Registering… {stop} stops before the next program.", tone="working")
        self._count_line()
        self.worker = self.run_worker(self._run(), group="multi", exclusive=True)
        self.refresh_bindings()

    async def _run(self) -> None:
        try:
            self.engine.client = await self.sevis.get_client()
            await self.engine.register(self.certificate, self._progress, self.stop)
        except SevisError as error:
            self.post_message(self.Ran(error))
        else:
            self.post_message(self.Ran(None))

    def _progress(self, step: Step) -> None:
        self.post_message(self.Progressed(step))

    def on_multi_run_screen_progressed(self, event: Progressed) -> None:
        self.sevis.touch()
        step = event.step
        self.query_one(ProgramOutcomes).show(step.result, working=step.kind == "start")
        self._count_line(step)
        self._show_detail()

    def on_multi_run_screen_ran(self, event: Ran) -> None:
        self.refresh_bindings()
        self._count_line()
        engine = self.engine
        if event.error is not None:
            self._not_started(event.error)
        elif engine.stopped_because == "session":
            self.session_ended(self.start)  # then carry on with the rest
        elif engine.stopped_because == "agreement":
            self.message.show(
                "The Batch Processing Agreement changed during the run; the rest was not sent.",
                "Go back to the Listing of Programs, mark them again and read the new text.",
            )
        elif engine.stopped_because == "stopped":
            done = [r.number for r in engine.results if r.done]
            self.message.show(
                f"Stopped. Done: {', '.join(done) or 'none'}; the others were not sent.",
                f"{self._key('multi.retry_failed', 'r')} sends the rest; "
                f"{self._key('multi.save_receipt', 's')} saves the receipt.",
                tone="warning",
            )
        elif engine.all_done:
            self.message.show(
                "The program is registered."
                if len(engine.results) == 1
                else f"All {len(engine.results)} programs are registered.",
                f"{self._key('multi.save_receipt', 's')} saves the receipt; "
                f"{self._key('multi.done', 'Enter')} returns to the Listing of Programs.",
                tone="info",
            )
        else:
            left = len(engine.to_retry)
            self.message.show(
                f"{left} program{'s' * (left != 1)} did not register: see the table.",
                f"Do what it says, then {self._key('multi.retry_failed', 'r')} retries only "
                f"those; {self._key('multi.save_receipt', 's')} saves the receipt.",
                tone="warning",
            )
        self._show_detail()

    def _key(self, binding_id: str, default: str) -> str:
        """The key that binding has now (the [keys] config may have moved it)."""
        return bound_keys(self).get(binding_id, default)

    def _not_started(self, error: SevisError) -> None:
        if isinstance(error, AgreementChanged):
            self.message.show(error.message, "Go back, mark the programs again and read it.")
            return
        if isinstance(error, SessionExpired):
            self.session_ended(self.start)
            return
        again = f"{self._key('multi.retry_failed', 'r')}: try again"
        self.message.show(f"Nothing was sent: {error.message}", error.remedy, key_hint=again)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self.worker and event.state in FINISHED:
            self.refresh_bindings()

    def _count_line(self, step: Step | None = None) -> None:
        engine = self.engine
        total = len(engine.results)
        registered = engine.count(Outcome.REGISTERED, Outcome.ALREADY)
        line = f"{registered} of {total} registered"
        failed = engine.count(Outcome.REFUSED, Outcome.FAILED)
        if failed:
            line += f" · {failed} failed"
        if step is not None and step.kind == "start":
            line += f" · sending to {step.result.number} ({step.position} of {step.total})"
        self.query_one("#run-progress", Static).update(line)

    def _show_detail(self) -> None:
        number = self.query_one(ProgramOutcomes).highlighted_number()
        result = next((r for r in self.engine.results if r.number == number), None)
        if result is None:
            return
        text = f"{result.number}: {result.summary()}"
        if result.error is not None and result.error.findings:
            text += " · " + "; ".join(f.message for f in result.error.findings)
        if not result.done:
            text += f" · What to do: {result.what_to_do()}"
        self.query_one("#run-detail", Static).update(Text(text))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on the table (which has the focus) is this screen's Done.
        self.action_done()

    # ------------------------------------------------------------------ keys

    def action_retry(self) -> None:
        if self.running or self.engine.all_done:
            return
        self.start()

    def action_stop(self) -> None:
        if self.running:
            self.stop.request()
            self.message.show("Stopping before the next program…", tone="working")

    def action_back(self) -> None:
        if self.running:
            self.action_stop()
            return
        self.action_done()

    def action_done(self) -> None:
        if not self.running:
            self.post_message(ProgramsRegistrationFinished())

    def action_save_receipt(self) -> None:
        if self.running:
            return
        login = self.sevis.login
        officer = login.user.user_id if login else ""
        now = self.sevis.clock()
        content = receipt_text(self.engine, self.certificate, officer, now)
        name = f"batch-registration-{safe_file_part(now.strftime('%Y%m%d-%H%M'))}.txt"
        suggested = self.receipt_path or self.sevis.settings.print_folder / name
        self.app.push_screen(
            SaveDialog("Save the receipt (every program's outcome) to:", suggested, content),
            self._saved,
        )

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            self.receipt_path = path
            self.message.show(f"Saved to {path}", tone="info")

"""What the certificate screens share: a form of labelled one-line fields, the long work in a
thread worker, a pane for the result, and a second confirmation before a file is replaced.

Enter moves to the next field (at once, so keys typed ahead land there) and, on the last
field, starts the work; Tab and Shift+Tab move too. The focused field's label is shown in
reverse video, which reads without colour. Secrets are masked fields, read once and emptied
as soon as the work starts; they are never kept, written or logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import ClassVar, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from sevis_tui.cert.findings import Finding
from sevis_tui.cert.passphrase import passphrase_problem
from sevis_tui.cert.text_report import finding_lines, printable
from sevis_tui.tui.dialogs.confirm import ConfirmDialog
from sevis_tui.tui.screens.base import SevisScreen
from sevis_tui.tui.widgets.key_line import KeyLine
from sevis_tui.tui.widgets.wrapping import Hanging

Result = TypeVar("Result")


class NextField(Input):
    """A form field whose Enter moves on to the next one."""

    BINDINGS = [Binding("enter", "app.focus_next", "Next field", show=False, priority=True)]


def text_field(
    field_id: str,
    value: str = "",
    *,
    placeholder: str = "",
    secret: bool = False,
    last: bool = False,
) -> Input:
    """A one-line field; `last`: Enter on it submits the form. `secret`: masked."""
    kind = Input if last else NextField
    return kind(
        value,
        placeholder=placeholder,
        password=secret,
        id=field_id,
        compact=True,
        select_on_focus=False,
    )


class JobFailed(Exception):
    """A refusal fit to show: what went wrong, what to do, and the field to go back to."""

    def __init__(
        self,
        message: str,
        remedy: str = "",
        field: str = "",
        findings: Sequence[Finding] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        self.field = field
        self.findings = tuple(findings)


class CertificateFormScreen(SevisScreen):
    """A form, then its result. Subclasses give `form_fields()` and call `run_job()`."""

    SUBMIT_HINT: ClassVar[str] = "Enter on the last field starts"
    INTRO: ClassVar[str] = ""  # one line under the title: what the screen is for
    # What to change to write beside existing files rather than over them: only what the
    # form has a field for.
    KEEP_BOTH: ClassVar[str] = "Change the file name or folder."

    BINDINGS = [
        Binding("escape", "back", "Back", id="screen.back"),
        Binding("e", "edit", "Edit the form", id="form.edit"),
    ]

    DEFAULT_CSS = """
    CertificateFormScreen #form { height: 1fr; padding: 0 1; }
    CertificateFormScreen .field-row { height: 1; margin-bottom: 1; }
    CertificateFormScreen .field-label { width: 19; }
    CertificateFormScreen .field-row.-focused .field-label { text-style: bold reverse; }
    CertificateFormScreen .field-row Input { width: 1fr; }
    CertificateFormScreen #form-hint { color: $text-muted; height: auto; }
    CertificateFormScreen #form-intro { height: auto; margin-bottom: 1; }
    CertificateFormScreen.-short #form-intro { margin-bottom: 0; }
    CertificateFormScreen #result { height: 1fr; padding: 0 1; display: none; }
    CertificateFormScreen.-result #result { display: block; }
    CertificateFormScreen.-result #form { display: none; }
    CertificateFormScreen.-short .field-row { margin-bottom: 0; }
    """

    class Finished(Message):
        """The worker is done; `deliver` runs on the UI side."""

        def __init__(self, deliver: Callable[[], None]) -> None:
            super().__init__()
            self.deliver = deliver

    def __init__(self) -> None:
        super().__init__()
        self.job: Worker[None] | None = None

    # ------------------------------------------------------------------ layout

    def form_fields(self) -> list[tuple[str, Widget]]:
        """(label, field) in order; the last Input should be made with last=True."""
        raise NotImplementedError

    def form_hint(self) -> str:
        return f"{self.SUBMIT_HINT} · Tab or Enter: next field · Escape: back"

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="form"):
            if self.INTRO:
                yield Static(self.INTRO, id="form-intro", markup=False)
            for label, field in self.form_fields():
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield field
            yield Static(self.form_hint(), id="form-hint", markup=False)
        with VerticalScroll(id="result", classes="pane"):
            yield Static(id="result-body")
        yield KeyLine()

    def on_resize(self) -> None:
        self.set_class(self.size.height < 24, "-short")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The row of the focused field is marked (its label in reverse video): a class, since
        # Textual restyles :focus-within only on the focused widget's own ancestors.
        for row in self.query(".field-row"):
            row.set_class(event.widget.parent is row, "-focused")

    @property
    def showing_result(self) -> bool:
        return self.has_class("-result")

    # ------------------------------------------------------------------ reading the form

    def text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def take_secret(self, field_id: str) -> str:
        """A masked field's text, and the field emptied (nothing keeps it)."""
        field = self.query_one(f"#{field_id}", Input)
        value, field.value = field.value, ""
        return value

    def take_new_passphrase(self) -> bytes | None:
        """The new passphrase typed twice (both fields emptied), or None once refused."""
        first, second = self.take_secret("passphrase"), self.take_secret("passphrase-again")
        problem = passphrase_problem(first, second)
        if problem:
            self.refuse(problem, field="passphrase")
            return None
        return first.encode("utf-8")

    def path(self, field_id: str) -> Path:
        return Path(self.text(field_id).strip()).expanduser()

    def refuse(self, message: str, remedy: str = "", field: str = "") -> None:
        self.message.show(message, remedy)
        if field:
            self.query_one(f"#{field}").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.working:
            self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ the long work

    @property
    def working(self) -> bool:
        return self.job is not None and self.job.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def run_job(
        self, job: Callable[[], Result], done: Callable[[Result], None], working: str
    ) -> None:
        """Run `job` in a thread (key generation and PKCS#12 work take CPU), then `done`."""
        self.message.show(working, tone="working")
        self.job = self.run_worker(
            partial(self._in_thread, job, done),
            thread=True,
            group="certificate-job",
            exclusive=True,
        )

    def _in_thread(self, job: Callable[[], Result], done: Callable[[Result], None]) -> None:
        try:
            result = job()
        except JobFailed as failure:
            self.post_message(self.Finished(partial(self.job_failed, failure)))
        except Exception as error:  # last resort: never a traceback on the officer's screen
            unexpected = JobFailed(
                f"That did not work ({type(error).__name__}: {error}).",
                "Nothing was written. Check the files and try again.",
            )
            self.post_message(self.Finished(partial(self.job_failed, unexpected)))
        else:
            self.post_message(self.Finished(partial(done, result)))

    def on_certificate_form_screen_finished(self, event: Finished) -> None:
        event.deliver()

    def job_failed(self, failure: JobFailed) -> None:
        self.refuse(failure.message, failure.remedy, failure.field)
        if failure.findings:
            # The findings below the message, as `inspect` gives them; e returns to the form.
            heading = Text("What stops it (e returns to the form):", style="bold")
            self.show_result([heading, *findings_lines(failure.findings)])

    # ------------------------------------------------------------------ results and questions

    def show_result(self, parts: list[RenderableType]) -> None:
        from rich.console import Group

        self.query_one("#result-body", Static).update(Group(*parts))
        self.add_class("-result")
        self.query_one("#result").focus()
        self.query_one("#result").scroll_home(animate=False)
        self.refresh_bindings()

    def action_edit(self) -> None:
        self.remove_class("-result")
        self.message.clear()
        self.focus_first_field()
        self.refresh_bindings()

    def focus_first_field(self) -> None:
        fields = [w for w in self.query(".field-row > *") if w.can_focus]
        if fields:
            fields[0].focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.showing_result
        return super().check_action(action, parameters)

    def confirm_replace(self, paths: list[Path], then: Callable[[], None]) -> None:
        """Ask before replacing files (the second confirmation); `then` runs on yes."""
        names = " and ".join(printable(str(path)) for path in paths)
        verb = "exists" if len(paths) == 1 else "exist"
        question = f"{names} already {verb}.\n\n{self.replace_warning()}\n\nReplace?"

        def answered(yes: bool | None) -> None:
            if yes:
                then()
            else:
                self.message.show("Nothing was replaced.", self.KEEP_BOTH, tone="info")

        self.app.push_screen(ConfirmDialog(question, yes="Replace"), answered)

    def replace_warning(self) -> str:
        return "The file there is lost once replaced."


def findings_lines(findings: Sequence[Finding]) -> list[RenderableType]:
    """The engine's findings as the report shows them, wrapped under their text."""
    return [Hanging(line) for found in findings for line in finding_lines(found)]

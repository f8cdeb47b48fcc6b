"""A one-line path entry with tab completion, used by the file browser's `g` (go to) key."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from sevis_tui.folders.listing import complete_path


class PathInput(Input):
    """Type a path; tab completes it (folders get a trailing separator), enter submits."""

    DEFAULT_CSS = """
    PathInput {
        border: none;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    PathInput:focus { border: none; }
    """

    BINDINGS = [
        Binding("tab", "complete", "Complete", id="path_input.complete"),
    ]

    class Completions(Message):
        """Tab found several matches; `matches` are their names (folders end with a separator)."""

        def __init__(self, path_input: PathInput, matches: list[str]) -> None:
            super().__init__()
            self.path_input = path_input
            self.matches = matches

        @property
        def control(self) -> PathInput:
            return self.path_input

    def action_complete(self) -> None:
        self._complete(self.value)

    # A thread: completing in a folder of 200,000 names must not stall typing.
    @work(thread=True, exclusive=True, group="path-input-complete")
    def _complete(self, typed: str) -> None:
        completed, matches = complete_path(typed)
        self.app.call_from_thread(self._apply_completion, typed, completed, matches)

    def _apply_completion(self, typed: str, completed: str, matches: list[str]) -> None:
        if self.value != typed:
            return  # the officer kept typing; this answer is stale
        if completed != typed:
            self.value = completed
            self.cursor_position = len(completed)
        self.post_message(self.Completions(self, matches))

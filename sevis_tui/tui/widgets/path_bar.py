"""The line above the file list: which folder is shown."""

from __future__ import annotations

import os

from rich.text import Text
from textual.widget import Widget


def home_relative(path: str) -> str:
    """`path` with the home folder shown as ~ (more of a path fits in 80 columns)."""
    home = os.path.expanduser("~").rstrip(os.sep)
    if home and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


class PathBar(Widget):
    """The folder being shown (home as ~); long paths lose their beginning, never their end."""

    DEFAULT_CSS = """
    PathBar { height: 1; padding: 0 1; background: $primary-muted; color: $text; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.path_label = ""

    def show(self, label: str) -> None:
        self.path_label = label
        self.refresh()

    def render(self) -> Text:
        width = max(1, self.content_region.width)
        label = self.path_label
        if len(label) > width:
            label = "…" + label[-(width - 1) :]
        return Text(label, no_wrap=True, overflow="crop")

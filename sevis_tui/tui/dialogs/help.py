"""F1: what this screen is for and what each key does, in plain words."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from sevis_tui.tui.quiet_focus import QuietFocus
from sevis_tui.tui.widgets.key_line import KeyItem, KeyLine, screen_keys, with_keys

ON_LISTS = """
On a list (the programs, the files): letters and digits always type into its filter, from the
first one; the list's own keys are keys that cannot start a name. Keys shown dimmed are not
available yet: pressing one says why.
"""


class HelpScreen(QuietFocus, ModalScreen[None]):
    """A screen's help text, its {key:ID}s filled in, then a table of every key it has now.

    Both come from the screen's bindings after the keymap ([keys] in the config): help can
    never disagree with the keys.
    """

    DEFAULT_CSS = """
    /* Opaque: a see-through backdrop repaints the screen beneath, dimmed (~20 KB). */
    HelpScreen { align: center middle; background: $background; }
    HelpScreen > #help-box {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $primary;
        background: $surface;
    }
    HelpScreen #help-title { dock: top; padding: 0 1; background: $primary; text-style: bold; }
    """

    BINDINGS = [
        Binding("escape,f1,q", "dismiss_help", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, body: str, of: Screen[Any]) -> None:
        super().__init__()
        self.help_title = title
        self.body = with_keys(body, of)
        self.keys = screen_keys(of, everything=True)

    def compose(self) -> ComposeResult:
        # Markdown pulls in markdown-it and Pygments: import it when help is first opened.
        from textual.widgets import Markdown

        with VerticalScroll(id="help-box"):
            yield Static(f"Help: {self.help_title}", id="help-title", markup=False)
            yield Markdown(self.body.strip() + "\n" + keys_table(self.keys) + ON_LISTS)
        yield KeyLine()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def keys_table(keys: list[KeyItem]) -> str:
    """Every key of the screen now: the key bar's (and those it leaves out), as bound."""
    if not keys:
        return ""
    rows = [
        f"| {item.key} | {item.description}{'' if item.enabled else ' (not yet)'} |"
        for item in keys
    ]
    return "\n## Keys\n| key | does |\n|---|---|\n" + "\n".join(rows) + "\n"

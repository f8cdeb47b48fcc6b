"""F1: what this screen is for and what each key does, in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sevis_tui.screens.quiet_focus import QuietFocus
from sevis_tui.widgets.key_line import KeyItem, KeyLine

GLOBAL_KEYS = """
## Keys that work everywhere
| key | does |
|---|---|
| F1 | this help |
| Escape | go back one step |
| Ctrl+P | command palette: type to find a command |
| Ctrl+Q | quit sevis-tui |
| Tab / Shift+Tab | move between fields and lists |

On a list (the programs, the files): letters and digits always type into its filter, from the
first one. The list's other keys cannot start a name: arrows, Enter, Escape, Backspace, / . ~ and
Ctrl keys. Keys shown dimmed are not available yet: pressing one says why.
"""


class HelpScreen(QuietFocus, ModalScreen[None]):
    """Shows a screen's help text followed by the keys that work everywhere."""

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

    def __init__(self, title: str, body: str, keys: list[KeyItem] | None = None) -> None:
        super().__init__()
        self.help_title = title
        self.body = body
        self.keys = keys or []

    def compose(self) -> ComposeResult:
        # Markdown pulls in markdown-it and Pygments: import it when help is first opened.
        from textual.widgets import Markdown

        with VerticalScroll(id="help-box"):
            yield Static(f"Help: {self.help_title}", id="help-title", markup=False)
            yield Markdown(self.body.strip() + "\n" + keys_table(self.keys) + GLOBAL_KEYS)
        yield KeyLine()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def keys_table(keys: list[KeyItem]) -> str:
    """Every key the screen's key bar shows (or would show, were it wide enough)."""
    if not keys:
        return ""
    rows = [
        f"| {item.key} | {item.description}{'' if item.enabled else ' (not yet)'} |"
        for item in keys
    ]
    return "\n## Keys on this screen\n| key | does |\n|---|---|\n" + "\n".join(rows) + "\n"

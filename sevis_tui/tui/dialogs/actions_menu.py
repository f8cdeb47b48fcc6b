"""The Actions menu of Program Sponsor Information, as a keyboard menu."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sevis_tui.tui.quiet_focus import QuietFocus
from sevis_tui.tui.widgets.key_line import KeyLine

MENU_HELP = """
# Actions menu

The actions SEVIS offers for this program. Move with the arrows and press **Enter** to choose one.

- **Register for Batch Processing**: accept the agreement, then upload your certificate.
- **View Batch Registration**: the registered certificate and its history (read only).
- **Check Batch Access**: will your PKCS#12 key, its certificate and your user ID be accepted by
  the batch interface? (Checks only; uploads nothing.)
- **Send a Batch File**: upload a batch XML file (checked offline first) and read each record's
  result.
- Items shown as *unavailable* are SEVIS actions this tool does not handle (the line under the
  menu says why): use the SEVIS web interface for them.

{key:actions.close} closes the menu.
"""


@dataclass(frozen=True)
class MenuItem:
    name: str
    enabled: bool
    reason: str = ""
    menu: str = "Actions"


class ActionsMenu(QuietFocus, ModalScreen[str | None]):
    """Lists every SEVIS action; unavailable ones are greyed with their reason. Returns a name."""

    DEFAULT_CSS = """
    /* Opaque: a see-through backdrop repaints the screen beneath, dimmed (~20 KB). */
    ActionsMenu { align: center middle; background: $background; }
    ActionsMenu > #menu-box {
        width: 72; max-width: 98%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface;
    }
    ActionsMenu #menu-title { dock: top; background: $primary; text-style: bold; padding: 0 1; }
    ActionsMenu OptionList { height: auto; border: none; }
    /* Docked: on a small terminal the list scrolls, and these lines stay. */
    ActionsMenu #menu-reason { dock: bottom; color: $text-muted; padding: 0 1; height: auto; }
    """

    BINDINGS = [
        Binding("f1", "help", "Help", id="screen.help"),
        Binding("escape,a", "close", "Close menu", id="actions.close"),
    ]

    def __init__(self, title: str, items: list[MenuItem]) -> None:
        super().__init__()
        self.menu_title = title
        self.items = items

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        menu = ""
        for item in self.items:
            if item.menu != menu:
                menu = item.menu
                options.append(Option(Text(menu, style="bold underline"), disabled=True))
            label = Text(f"  {item.name}", style="" if item.enabled else "dim")
            if not item.enabled:
                label.append("  (unavailable)", style="dim italic")
            options.append(Option(label, id=item.name, disabled=not item.enabled))
        with Vertical(id="menu-box"):
            yield Static(self.menu_title, id="menu-title", markup=False)
            yield OptionList(*options, id="menu")
            yield Static("", id="menu-reason", markup=False)
        yield KeyLine()

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.focus()
        first = next((item.name for item in self.items if item.enabled), None)
        if first is not None:
            menu.highlighted = menu.get_option_index(first)
        reasons = sorted({item.reason for item in self.items if not item.enabled and item.reason})
        note = f"Unavailable items: {reasons[0]}" if len(reasons) == 1 else ""
        self.query_one("#menu-reason", Static).update(
            f"{note}\nEnter chooses · Escape closes" if note else "Enter chooses · Escape closes"
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from sevis_tui.tui.dialogs.help import HelpScreen

        self.app.push_screen(HelpScreen(self.menu_title, MENU_HELP, self))

"""The Save/Print dialog: the cursor starts at the end of the path (a key typed at once went
into the folder's name, `X~/sevis-tui/…`), and a path whose folder does not exist is refused
in one line rather than made (only the suggested folder is made when missing)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.save_dialog import SaveDialog
from sevis_tui.tui.screens.agreement import AgreementScreen

from .pilot_support import settle, to_upload


def problem(dialog: SaveDialog) -> str:
    return str(dialog.query_one("#save-problem", Static).render())


async def test_typing_edits_the_end_and_no_folder_is_made_by_a_slip(
    settings: Settings, home: Path
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await to_upload(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        field = dialog.query_one(Input)
        suggested = field.value
        await pilot.press("X")
        assert field.value == suggested + "X"
        # A folder that does not exist, under one that does: refused, nothing made.
        stray = home / "home" / "ired~" / "sevis-tui"
        field.value = str(stray / "agreement.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        said = problem(dialog)
        assert said == f"No folder {stray}: save into a folder that exists.", said
        assert not (home / "home" / "ired~").exists()
        # The suggested folder (the print folder, not made yet) is made: it was asked for.
        assert not (home / "prints").exists()
        field.value = suggested
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        assert Path(suggested).expanduser().is_file()

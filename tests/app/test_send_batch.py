"""Send a Batch File with Pilot: the preview's offline check, a broken file refused before
anything is sent, then the .p12, the upload, and the results with the failed record first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, DataTable, Input, OptionList, Static

from sevis_tui.commands.demo_certs import batch_names
from sevis_tui.settings.config import Settings
from sevis_tui.sevis_batch.sample import batch_file, create
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.actions_menu import ActionsMenu
from sevis_tui.tui.dialogs.p12_password import PasswordDialog
from sevis_tui.tui.screens.send_batch import SendBatchScreen
from sevis_tui.tui.screens.sponsor import SEND, SponsorScreen
from sevis_tui.tui.widgets.batch_preview import BatchPreview
from sevis_tui.tui.widgets.file_browser import FileBrowser

from .pilot_support import choose_file, log_in, message_text, settle

PROGRAM, USER, BATCH = "P-1-00001", "jsmith6544", "----kynEn47azQ"


def write_batches(folder: Path) -> None:
    records = [
        create("r-1", USER),
        create("r-2", USER, start="2027-06-30", end="2027-01-10"),  # S1001
        create("r-3", USER),
    ]
    (folder / "visitors.xml").write_bytes(batch_file(BATCH, PROGRAM, USER, records))
    unborn = [create(f"b-{n}", USER, birth_date="1962-13-01") for n in range(1, 7)]
    (folder / "broken.xml").write_bytes(batch_file("B2026120700002", PROGRAM, USER, unborn))


async def open_send_batch(app: SevisApp, pilot: object) -> None:
    await pilot.press("a")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, ActionsMenu)
    menu = app.screen.query_one(OptionList)
    while menu.get_option_at_index(menu.highlighted or 0).id != SEND:
        await pilot.press("down")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_send_a_batch_file_with_one_record_failing(
    settings: Settings, demo_dir: Path, size: tuple[int, int]
) -> None:
    write_batches(demo_dir)
    app = SevisApp(settings)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await log_in(pilot)
        client = await app.get_client()
        await client.accept_agreement(PROGRAM, 1)
        pem = (demo_dir / "jsmith6544.pem").read_bytes()
        await client.upload_certificate(PROGRAM, pem, "jsmith6544.pem", "pilot-send")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SponsorScreen)
        await open_send_batch(app, pilot)
        screen = app.screen
        assert isinstance(screen, SendBatchScreen)

        # Only the XML files are marked and counted (not the certificates beside them).
        browser = screen.query_one("#xml-browser", FileBrowser)
        await settle(pilot)
        assert " · 5 batch XML files" in browser.view.status_text()
        assert {e.name for e in browser.entries if e.cert_like} == {
            "visitors.xml",
            "broken.xml",
            *batch_names(PROGRAM),
        }

        # The broken file: the preview says why, and Enter sends nothing.
        await pilot.press(*"broken.xml")
        await settle(pilot)
        preview = screen.query_one(BatchPreview)
        assert "6 problems" in preview.plain
        assert preview.region.height >= 3  # beside the list at 80 columns, below it at 60
        assert "BirthDate: `1962-13-01` is not a date (YYYY-MM-DD)" in preview.plain
        assert preview.plain.count("• ") == 4
        assert "… and 2 more (Enter lists them all)" in preview.plain
        await pilot.press("enter")
        await settle(pilot)
        assert "6 problems; nothing was sent" in message_text(app)
        assert preview.plain.count("• ") == 6 and "more" not in preview.plain  # Enter: all
        await pilot.press("escape")  # clear the filter
        await settle(pilot)

        await choose_file(pilot, "visitors.xml")
        assert "3 records (3 CreateEV)" in preview.plain and "Valid" in preview.plain
        assert "choose your batch client's .p12" in message_text(app)
        keys = str(screen.query_one("#key-browser", FileBrowser).query_one("#status").render())
        assert "1 PKCS#12 file · PKCS#12 only (^t: all)" in keys
        # A certificate without its key (shown with ^t): said before any password is asked.
        await pilot.press("ctrl+t")
        await choose_file(pilot, "jsmith6544.pem")
        assert app.screen is screen
        assert "jsmith6544.pem is not a PKCS#12 (.p12/.pfx) file" in message_text(app)
        await pilot.press("escape")  # clear the filter
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.p12")
        assert isinstance(app.screen, PasswordDialog)
        assert app.screen.query_one(Input).password
        await pilot.press(*"demo", "enter")
        await settle(pilot)

        assert app.screen is screen
        head = str(screen.query_one("#results-head", Static).render())
        assert f"Batch {BATCH}: 3 records, 2 succeeded, 1 failed." in head
        table = screen.query_one("#results", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert [row[:2] for row in rows] == [["failed", "r-2"], ["ok", "r-1"], ["ok", "r-3"]]
        assert rows[0][3].startswith("S1001 The program end date")
        assert rows[1][2].startswith("N") and len(rows[1][2]) == 11
        assert "1 of 3 records failed" in message_text(app)
        # The Error column is cut at this width: the whole result shows under the table.
        detail = screen.query_one("#result-detail", Static)
        assert str(detail.render()) == (
            "requestID r-2: failed, S1001 The program end date 2027-01-10 is not after its "
            "start date 2027-06-30."
        )
        assert detail.region.height >= 2
        await pilot.press("down")
        await settle(pilot)
        assert str(detail.render()) == f"requestID r-1: processed, SEVIS ID {rows[1][2]}."
        assert table.has_focus
        assert table.region.height >= 4 and table.region.width >= size[0] - 2  # all rows shown
        assert preview.region.height == 0  # the preview is off screen now

        await pilot.press("b")  # another file
        await settle(pilot)
        assert screen.query_one(ContentSwitcher).current == "xml-view"
        assert screen.query_one("#xml-browser").has_focus_within
        assert "Choose the batch XML file" in message_text(app)

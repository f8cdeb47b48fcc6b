"""Back from a report to the files, then another file: the new report opens at its top (it
opened where the last one had been scrolled to, past its error), and the name typed to find
the first file is cleared with the list it filtered (`unacc` + `self` matched nothing)."""

from __future__ import annotations

from textual.containers import VerticalScroll

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.screens.inspect import InspectScreen
from sevis_tui.tui.widgets.certificate_chooser import CertificateChooser
from sevis_tui.tui.widgets.file_browser import FileBrowser

from .pilot_support import choose_file, settle


async def test_another_report_starts_at_its_top_with_the_filter_cleared(
    settings: Settings,
) -> None:
    app = SevisApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, InspectScreen)
        chooser = app.screen.query_one(CertificateChooser)
        report = chooser.query_one("#report-view", VerticalScroll)
        await choose_file(pilot, "with-private-key")
        assert chooser.showing_report and report.max_scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        assert report.scroll_y > 0
        await pilot.press("b")
        await settle(pilot)
        browser = chooser.query_one(FileBrowser)
        assert not browser.filter_open and browser.view.filter_text == ""
        highlighted = browser.file_list.highlighted
        assert highlighted is not None and highlighted.name == "with-private-key.pem"
        await choose_file(pilot, "expired")
        assert chooser.report is not None and not chooser.report.ok
        assert report.scroll_y == 0

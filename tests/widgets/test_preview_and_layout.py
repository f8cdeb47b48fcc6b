"""The preview beside the browser, the full report, and the beside/below layout rule.

FilePreview, ReportView and CertificateChooser were written with the screens; these tests hold
them to the browser issue: worker checks, a cache keyed by path + mtime + size, stale results
ignored, untrusted text shown literally, and the preview below the list under 100 columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from sevis_tui.cert import Policy, inspect_path
from sevis_tui.cert.factory import Issued, make_ca, make_personal, pem
from sevis_tui.tui.widgets.certificate_chooser import SIDE_BY_SIDE_FROM, CertificateChooser
from sevis_tui.tui.widgets.file_browser import FileBrowser
from sevis_tui.tui.widgets.file_preview import FilePreview
from sevis_tui.tui.widgets.report_view import ReportView
from sevis_tui.tui.widgets.wrapping import Hanging

from .browser_app import screen_words, wait_for_workers

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
EVIL = "[bold red]Evil[/bold red]\x1b[2J"


@pytest.fixture(scope="module")
def issuer() -> Issued:
    return make_ca("Preview Test CA", not_before=NOW - dt.timedelta(days=10))


@pytest.fixture
def certificates(tmp_path: Path, issuer: Issued) -> Path:
    good = make_personal(issuer, not_before=NOW - dt.timedelta(days=1))
    evil = make_personal(issuer, common_name=EVIL, not_before=NOW - dt.timedelta(days=1))
    (tmp_path / "good.pem").write_bytes(pem(good.certificate))
    (tmp_path / "evil.pem").write_bytes(pem(evil.certificate))
    (tmp_path / "folder").mkdir()
    return tmp_path


def policy_for(issuer: Issued) -> Policy:
    return Policy(accepted_issuers=(issuer.certificate,), now=NOW)


class PreviewApp(App[None]):
    def __init__(self, policy: Policy) -> None:
        super().__init__()
        self.policy = policy

    def compose(self) -> ComposeResult:
        yield FilePreview(lambda: self.policy, id="preview")
        yield ReportView(id="report")


async def test_preview_describes_caches_and_ignores_stale_results(
    certificates: Path, issuer: Issued
) -> None:
    app = PreviewApp(policy_for(issuer))
    async with app.run_test(size=(100, 30)) as pilot:
        preview = app.query_one(FilePreview)
        preview.preview(certificates / "evil.pem")
        preview.preview(certificates / "good.pem")  # the cursor moved on at once
        await wait_for_workers(app)
        await pilot.pause()
        text = screen_words(app)
        assert "jsmith6544" in text and "Preview Test CA" in text
        assert "Evil" not in text  # the stale answer was not shown
        preview.preview(certificates / "evil.pem")
        await wait_for_workers(app)
        await pilot.pause()
        assert "Evil" in screen_words(app)
        cached = len(preview.cache)
        # Same path, mtime and size: served from the cache; a rewritten file is checked again.
        preview.preview(certificates / "good.pem")
        await wait_for_workers(app)
        await pilot.pause()
        assert len(preview.cache) == cached
        (certificates / "good.pem").write_bytes(b"not a certificate any more")
        preview.preview(certificates / "good.pem")
        await wait_for_workers(app)
        await pilot.pause()
        assert len(preview.cache) == cached + 1
        assert "jsmith6544" not in screen_words(app)
        preview.preview(certificates / "folder", "folder")
        await pilot.pause()
        assert "Move to a file" in screen_words(app)


async def test_untrusted_text_is_shown_literally(certificates: Path, issuer: Issued) -> None:
    policy = policy_for(issuer)
    app = PreviewApp(policy)
    async with app.run_test(size=(140, 40)) as pilot:
        app.query_one(FilePreview).preview(certificates / "evil.pem")
        app.query_one(ReportView).show(inspect_path(certificates / "evil.pem", policy))
        await wait_for_workers(app)
        await pilot.pause()
        text = screen_words(app)
        assert "[bold red]Evil[/bold red]" in text  # markup not interpreted
        assert "\x1b" not in text
        assert "Certificate 1" in text  # the full report lists every certificate


class ChooserApp(App[None]):
    def __init__(self, folder: Path, policy: Policy) -> None:
        super().__init__()
        self.folder = folder
        self.policy = policy

    def compose(self) -> ComposeResult:
        yield CertificateChooser(
            start_folder=self.folder,
            extensions=(".pem",),
            show_hidden=False,
            policy=lambda: self.policy,
        )


async def test_preview_beside_the_list_then_below_it_under_100_columns(
    certificates: Path, issuer: Issued
) -> None:
    app = ChooserApp(certificates, policy_for(issuer))
    async with app.run_test(size=(SIDE_BY_SIDE_FROM + 20, 30)) as pilot:
        await wait_for_workers(app)
        await pilot.pause()
        browser = app.query_one(FileBrowser).region
        preview = app.query_one("#preview-box").region
        assert preview.x >= browser.right and preview.y == browser.y
        await pilot.resize_terminal(SIDE_BY_SIDE_FROM - 20, 30)
        await pilot.pause()
        browser = app.query_one(FileBrowser).region
        preview = app.query_one("#preview-box").region
        assert preview.y >= browser.bottom and preview.x == browser.x
        # The preview follows the browser's cursor.
        await pilot.press("end")
        await wait_for_workers(app)
        await pilot.pause()
        assert "jsmith6544" in app.query_one(FilePreview).plain


def test_preview_of_a_protected_p12_says_enter_asks_for_the_password(
    tmp_path: Path, issuer: Issued
) -> None:
    from sevis_tui.cert.factory import pkcs12
    from sevis_tui.tui.widgets.file_preview import preview_text

    person = make_personal(issuer, not_before=NOW - dt.timedelta(days=1))
    (tmp_path / "locked.p12").write_bytes(pkcs12(person, b"secret"))
    (tmp_path / "good.pem").write_bytes(pem(person.certificate))
    locked = plain(preview_text(inspect_path(tmp_path / "locked.p12", policy_for(issuer))))
    assert "Enter asks for its password" in locked
    good = plain(preview_text(inspect_path(tmp_path / "good.pem", policy_for(issuer))))
    assert "Enter shows the full report" in good and "password" not in good


def plain(lines: list[Hanging]) -> str:
    return "\n".join(line.text.plain for line in lines)

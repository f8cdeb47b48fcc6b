"""One certificate for several programs in the app (issue 14), with Pilot against the real
embedded service; faults are injected at the transport only (tests/app/faults.py)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from sevis_tui.settings.config import Settings
from sevis_tui.tui.app import SevisApp
from sevis_tui.tui.dialogs.programs_confirm import ProgramsConfirmDialog
from sevis_tui.tui.screens.multi_agreement import MultiAgreementScreen
from sevis_tui.tui.screens.multi_run import MultiRunScreen
from sevis_tui.tui.screens.multi_upload import MultiUploadScreen
from sevis_tui.tui.screens.programs import ProgramsScreen

from .faults import FaultyTransport, faulty_factory, server_error
from .pilot_support import choose_file, log_in, message_text, settle

THREE = ("P-1-00001", "P-1-00002", "P-1-00003")


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return list(connection.execute(sql).fetchall())


def per_program(database: Path, table: str) -> dict[str, int]:
    return dict(rows(database, f"SELECT program, COUNT(*) FROM {table} GROUP BY program"))


async def mark_all_three(pilot: Any) -> ProgramsScreen:
    app = pilot.app
    await log_in(pilot)
    screen = app.screen
    assert isinstance(screen, ProgramsScreen)
    await pilot.press("home")
    for _ in THREE:
        await pilot.press("space")
    await pilot.pause()
    assert len(screen.marks) == 3
    assert "3 marked" in str(screen.query_one("#counts").render())
    return screen


async def through_agreement_and_file(pilot: Any, accepted_for: int = 3) -> None:
    app = pilot.app
    await pilot.press("ctrl+g")
    await settle(pilot)
    assert isinstance(app.screen, MultiAgreementScreen)
    assert "P-1-00001, P-1-00002, P-1-00003" in str(
        app.screen.query_one("#agreement-title").render()
    )
    await pilot.press("end")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(app.screen, MultiUploadScreen), message_text(app)
    engine = app.screen.engine
    assert sum(r.accepted_version == 1 for r in engine.results) == accepted_for
    await choose_file(pilot, "jsmith6544.pem")
    await pilot.press("u")
    await settle(pilot)
    assert isinstance(app.screen, ProgramsConfirmDialog)
    listed = "\n".join(app.screen.lines)
    assert all(number in listed for number in THREE)
    assert "first registration" in listed
    await pilot.press("y")
    await settle(pilot)


async def test_mark_three_one_refuses_retry_only_that_one(settings: Settings, home: Path) -> None:
    database = home / "faulty.db"
    transport, factory = faulty_factory(database)
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mark_all_three(pilot)
        # The second program's upload meets a 500 on the wire; the others go through.
        transport.arm("P-1-00002/batch/certificate", server_error)
        await through_agreement_and_file(pilot)
        run = app.screen
        assert isinstance(run, MultiRunScreen)
        outcomes = [result.outcome for result in run.engine.results]
        assert [str(o) for o in outcomes] == ["registered", "failed", "registered"]
        assert "1 program did not register" in message_text(app)
        progress = str(run.query_one("#run-progress").render())
        assert "2 of 3 registered" in progress and "1 failed" in progress
        key = run.engine.results[1].key
        uploads_before = len([s for s in transport.seen if s.endswith("/batch/certificate")])
        await pilot.press("r")
        await settle(pilot)
        assert run.engine.all_done
        assert "All 3 programs are registered" in message_text(app)
        uploads = [s for s in transport.seen if s.endswith("/batch/certificate")]
        assert uploads[uploads_before:] == ["POST /api/v1/programs/P-1-00002/batch/certificate"]
        assert run.engine.results[1].key == key  # its original Idempotency-Key
        # The receipt: one file, every program's outcome.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert run.receipt_path is not None
        text = run.receipt_path.read_text(encoding="utf-8")
        assert all(number in text for number in THREE) and "3 of 3 registered" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProgramsScreen)
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)
    assert per_program(database, "acceptances") == dict.fromkeys(THREE, 1)
    audited = rows(database, "SELECT program FROM audit WHERE action = 'accept'")
    assert sorted(a[0] for a in audited) == sorted(THREE)  # one acceptance audited each


async def test_only_active_programs_can_be_marked(settings: Settings, home: Path) -> None:
    database = home / "inactive.db"
    _transport, factory = faulty_factory(database)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("UPDATE programs SET status = 'WITHDRAWN' WHERE number = 'P-1-00002'")
        connection.commit()
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        screen = app.screen
        assert isinstance(screen, ProgramsScreen)
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("P-1-00002"))
        await pilot.press("space")
        await pilot.pause()
        assert len(screen.marks) == 0
        assert "WITHDRAWN: only active programs" in message_text(app)
        assert not screen.check_action("register_marked", ())
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert len(screen.marks) == 2 and "P-1-00002" not in screen.marks
        assert "cannot be marked" in message_text(app)
        await pilot.press("ctrl+a")  # all markable ones are marked: unmarks them
        await pilot.pause()
        assert len(screen.marks) == 0


async def test_escape_stops_before_the_next_program(settings: Settings, home: Path) -> None:
    database = home / "stop.db"
    transport, factory = faulty_factory(database)
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mark_all_three(pilot)
        stopped: list[FaultyTransport] = []

        def stop_then_answer(request: Any) -> Any:
            # Escape arrives while the first upload is on the wire.
            if not stopped:
                stopped.append(transport)
                screen = app.screen
                assert isinstance(screen, MultiRunScreen)
                screen.action_back()
            return server_error(request)

        transport.arm("P-1-00001/batch/certificate", stop_then_answer)
        await through_agreement_and_file(pilot)
        run = app.screen
        assert isinstance(run, MultiRunScreen)
        assert [str(r.outcome) for r in run.engine.results] == ["failed", "not_sent", "not_sent"]
        assert "Stopped" in message_text(app) and "not sent" in message_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert run.engine.all_done
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)


async def test_an_officer_removed_after_marking_is_refused_then_retried(
    settings: Settings, home: Path
) -> None:
    database = home / "removed.db"
    _transport, factory = faulty_factory(database)
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mark_all_three(pilot)
        with contextlib.closing(sqlite3.connect(database)) as connection:
            removed = connection.execute(
                "SELECT * FROM officials WHERE program = 'P-1-00003' AND user_id = 'jsmith6544'"
            ).fetchone()
            connection.execute("DELETE FROM officials WHERE program = 'P-1-00003'"
                               " AND user_id = 'jsmith6544'")  # fmt: skip
            connection.commit()
        await through_agreement_and_file(pilot, accepted_for=2)
        run = app.screen
        assert isinstance(run, MultiRunScreen)
        assert [str(r.outcome) for r in run.engine.results] == [
            "registered",
            "registered",
            "refused",
        ]
        assert "not the RO or an ARO" in run.engine.results[2].summary()
        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.execute("INSERT INTO officials VALUES (?, ?, ?)", tuple(removed))
            connection.commit()
        await pilot.press("r")
        await settle(pilot)
        assert run.engine.all_done
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)
    assert per_program(database, "acceptances") == dict.fromkeys(THREE, 1)


async def test_a_session_that_ends_half_way_logs_in_again_and_carries_on(
    settings: Settings, home: Path
) -> None:
    from sevis_tui.tui.screens.login import LoginScreen

    from .faults import session_ended

    database = home / "session.db"
    transport, factory = faulty_factory(database)
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mark_all_three(pilot)
        transport.arm("P-1-00002/batch/certificate", session_ended)
        await through_agreement_and_file(pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot)
        run = app.screen
        assert isinstance(run, MultiRunScreen)
        assert run.engine.all_done, [str(r.outcome) for r in run.engine.results]
        assert "All 3 programs are registered" in message_text(app)
    assert per_program(database, "registrations") == dict.fromkeys(THREE, 1)


async def test_fifty_programs_marked(settings: Settings, home: Path) -> None:
    from sevis_tui.service.demo import seed_extra_programs
    from sevis_tui.service.store import Store

    database = home / "fifty.db"
    _transport, factory = faulty_factory(database)
    store = Store(database)
    store.write(lambda tx: seed_extra_programs(tx, 47, _now()))
    store.close()
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await pilot.press("ctrl+a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgramsScreen) and len(screen.marks) == 50
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "For 50 programs: " in str(app.screen.query_one("#agreement-title").render())
        assert "more" in str(app.screen.query_one("#agreement-title").render())
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await choose_file(pilot, "jsmith6544.pem")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ProgramsConfirmDialog) and len(app.screen.lines) == 50
        await pilot.press("y")
        await settle(pilot)
        run = app.screen
        assert isinstance(run, MultiRunScreen) and run.engine.all_done
        assert "50 of 50 registered" in str(run.query_one("#run-progress").render())
    assert len(per_program(database, "registrations")) == 50
    assert len(per_program(database, "acceptances")) == 50


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


async def test_a_new_agreement_version_before_accept_accepts_nothing(
    settings: Settings, home: Path
) -> None:
    database = home / "agreement.db"
    _transport, factory = faulty_factory(database)
    app = SevisApp(settings, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await mark_all_three(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        from sevis_tui.service.agreement import AGREEMENT_TEXT

        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.execute(
                "INSERT INTO agreements (version, title, text, effective)"
                " VALUES (2, 'Batch Processing Agreement', ?, '2026-12-01')",
                (AGREEMENT_TEXT + "\n\n9. A requirement added in version 2.\n",),
            )
            connection.commit()
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MultiAgreementScreen)
        assert "you read version 1, the current one is version 2" in message_text(app)
        assert screen.agreement is not None and screen.agreement.version == 2
        assert not screen.read_to_end  # the new text must be read
    assert per_program(database, "acceptances") == {}

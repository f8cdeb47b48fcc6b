"""The store on both engines: the same migrations, a newer schema refused, and the rules that
read then write holding when two stores (as two instances would) write at the same moment."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sevis_tui.service import accounts
from sevis_tui.service.demo import DEMO_USER_ID
from sevis_tui.service.errors import ApiError
from sevis_tui.service.schema import MIGRATIONS
from sevis_tui.service.store import Storage, Tx, open_store

from .conftest import MovableClock

BOTH_ENGINES = True
ADMIN = [sys.executable, "-m", "sevis_tui", "serve", "admin"]


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(n)` for n in range(count), each in its own thread, all released together."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = work(n)
        except ApiError as error:
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def two_stores(store_location: Path | str, app: Any) -> Iterator[list[Storage]]:
    """Two stores over the demo database, as two instances have (the app seeded it)."""
    stores = [open_store(store_location), open_store(store_location)]
    for store in stores:
        store.migrate()
    yield stores
    for store in stores:
        store.close()


def test_twelve_concurrent_failures_from_two_stores_lock_after_exactly_three(
    two_stores: list[Storage], clock: MovableClock
) -> None:
    def fail(n: int) -> Any:
        store = two_stores[n % 2]
        return store.write(lambda tx: accounts.finish_login(tx, DEMO_USER_ID, False, clock.now))

    results = at_once(12, fail)
    codes = sorted(result.code for result in results)
    assert codes == ["account_locked"] * 10 + ["invalid_credentials"] * 2
    row = two_stores[0].read(
        lambda tx: tx.execute(
            "SELECT failed_logins, locked_at FROM users WHERE user_id = ?", (DEMO_USER_ID,)
        ).fetchone()
    )
    assert row["failed_logins"] == 3 and row["locked_at"] is not None


def test_the_audit_ids_follow_the_commit_order(two_stores: list[Storage], clock: Any) -> None:
    def write(n: int) -> tuple[int, int]:
        def work(tx: Tx) -> tuple[int, int]:
            accounts.audit(tx, clock.now, f"user{n}", "test", "ok")
            line = int(tx.execute("SELECT max(id) FROM audit").fetchone()[0])
            return line, int(tx.execute("SELECT count(*) FROM audit").fetchone()[0])

        return two_stores[n % 2].write(work)

    written = sorted(at_once(16, write))
    # Each transaction saw every line before its own and none after it: the lines of
    # concurrent writers never interleave, and a larger id was committed later.
    counts = [count for _, count in written]
    assert counts == list(range(counts[0], counts[0] + 16))


def test_the_schema_is_current_and_a_newer_one_is_refused(
    store_location: Path | str, engine: str, app: Any
) -> None:
    store = open_store(store_location)
    assert store.migrate() == len(MIGRATIONS)
    store.close()
    newer = len(MIGRATIONS) + 1
    if engine == "sqlite":
        app.state.service.store.write(lambda tx: tx.execute(f"PRAGMA user_version = {newer}"))
    else:
        app.state.service.store.write(
            lambda tx: tx.execute("UPDATE schema_version SET version = ?", (newer,))
        )
    with pytest.raises(ApiError, match=f"schema version {newer}, newer than this sevis-tui"):
        open_store(store_location).migrate()


def test_both_engines_make_the_same_tables(engine: str, app: Any) -> None:
    store = app.state.service.store
    if engine == "sqlite":
        sql = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p"
        sql += " WHERE m.type = 'table'"
    else:
        sql = "SELECT table_name, column_name FROM information_schema.columns"
        sql += " WHERE table_schema = 'public' AND table_name <> 'schema_version'"
    columns = sorted(tuple(row) for row in store.read(lambda tx: tx.execute(sql).fetchall()))
    assert {table for table, _ in columns} == set(
        re.findall(r"CREATE TABLE (\w+)", "".join(MIGRATIONS))
    )
    assert ("registrations", "certificate_der") in columns
    assert ("audit", "at") in columns


def test_times_sort_alike_on_both_engines(app: Any, clock: MovableClock) -> None:
    """Times are stored as ISO text in UTC; ORDER BY on them is time order on both engines."""
    store = app.state.service.store
    moments = [clock.now + dt.timedelta(seconds=s) for s in (5, -3600, 0, 86400 * 40)]
    for n, moment in enumerate(moments):
        store.write(lambda tx, n=n, moment=moment: accounts.audit(tx, moment, f"u{n}", "t", "ok"))
    order = store.read(
        lambda tx: tx.execute("SELECT user_id FROM audit WHERE action = 't' ORDER BY at").fetchall()
    )
    assert [row[0] for row in order] == ["u1", "u2", "u0", "u3"]


def test_serve_admin_lists_alike_on_both_engines(store_location: Path | str, app: Any) -> None:
    """The administrator's listings (group_concat in SQLite, string_agg in PostgreSQL)."""
    shown = subprocess.run(
        [*ADMIN, "list-programs", "--db", str(store_location)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "P-1-00001" in shown.stdout and "jsmith6544 RO, mgarcia221 ARO" in shown.stdout

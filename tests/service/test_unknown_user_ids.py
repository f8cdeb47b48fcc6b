"""A login for a user ID that matches no account never stores or logs the text typed: it may be
a password typed into the user-ID field (issue 21). Counted by a keyed hash instead."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
from starlette.applications import Starlette

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.service.schema import MIGRATIONS
from sevis_tui.service.store import Store

from .support import code

TYPED = "SevisDemo#"  # the first 10 characters of a password, typed as a user ID


def database_bytes(database: Path) -> bytes:
    """The database file and its WAL, as any reader of the folder would see them."""
    parts = [database, database.with_name(database.name + "-wal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def audit_rows(database: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT user_id, result, detail FROM audit").fetchall()


async def test_an_unknown_user_id_is_counted_but_never_stored(
    http: httpx.AsyncClient, app: Starlette, database: Path
) -> None:
    answers = []
    for _ in range(4):
        response = await http.post("session", json={"user_id": TYPED, "password": "x" * 12})
        answers.append(code(response))
    # Counted and locked as a real user ID would be, so the answers still hide which IDs exist.
    assert answers == ["invalid_credentials"] * 2 + ["account_locked"] * 2
    # A refusal before the password is checked (a control character) is audited too.
    bad = await http.post("session", json={"user_id": TYPED, "password": "x" * 12 + "\x1b"})
    assert code(bad) == "invalid_field"
    other = await http.post("session", json={"user_id": "nobody0000", "password": "x" * 12})
    assert other.json()["error"]["attempts_left"] == 2  # its own count

    unknown = [row for row in audit_rows(database) if row[0].startswith("unknown-")]
    assert len(unknown) == 6
    assert len({row[0] for row in unknown}) == 2  # the same label for the same text
    app.state.service.store.close()  # checkpoint: every page is in the file
    assert TYPED.encode() not in database_bytes(database)
    assert b"SevisDemo" not in database_bytes(database)
    assert b"nobody0000" not in database_bytes(database)


async def test_a_new_user_starts_without_the_failures_of_its_id(
    http: httpx.AsyncClient, database: Path
) -> None:
    from sevis_tui.service import accounts
    from sevis_tui.service.store import utc_now

    for _ in range(3):
        await http.post("session", json={"user_id": "newuser001", "password": "x" * 12})
    store = Store(database)
    store.write(lambda tx: accounts.add_user(tx, "newuser001", "New", DEMO_PASSWORD, utc_now()))
    store.close()
    response = await http.post("session", json={"user_id": "newuser001", "password": DEMO_PASSWORD})
    assert response.status_code == 200


def test_the_upgrade_drops_user_ids_stored_as_typed(tmp_path: Path) -> None:
    """A database of schema 3 kept unknown user IDs as typed; schema 6 keeps none of them."""
    database = tmp_path / "old.db"
    with sqlite3.connect(database) as connection:
        for number, script in enumerate(MIGRATIONS[:3], start=1):
            connection.executescript(script)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute(
            "INSERT INTO users (user_id, name, password, active_since, created_at)"
            " VALUES (?, 'J', '!', '2026-01-01', '2026-01-01')",
            (DEMO_USER_ID,),
        )
        connection.execute("INSERT INTO unknown_logins VALUES (?, 1, NULL)", (TYPED,))
        for who in (TYPED, DEMO_USER_ID):
            connection.execute(
                "INSERT INTO audit (at, user_id, action, result, detail)"
                " VALUES ('2026-12-07', ?, 'login', 'invalid_credentials', '')",
                (who,),
            )
    store = Store(database)
    assert store.migrate() == len(MIGRATIONS)
    store.close()
    assert sorted(row[0] for row in audit_rows(database)) == [DEMO_USER_ID, "unknown"]
    assert TYPED.encode() not in database_bytes(database)

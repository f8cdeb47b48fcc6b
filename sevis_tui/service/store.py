"""SQLite access: one connection and one transaction per request, WAL, numbered migrations.

`Store.write(fn)` runs `fn(connection)` inside BEGIN IMMEDIATE (writers queue, so two uploads
never interleave) and commits; `Store.read(fn)` runs it in a read transaction. SQLite failures
(locked, read-only, not a database) become a 503 `store_unavailable` ApiError, never a 500.
These are blocking calls: the app runs them in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sevis_tui.service.errors import ApiError, store_unavailable
from sevis_tui.service.schema import MIGRATIONS

Result = TypeVar("Result")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """A time as stored: ISO 8601 in UTC (sorts as text)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_stamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Store:
    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        # Held open for the store's life, so closing a request's connection is never the last
        # close, which would checkpoint and delete the WAL each time (ten times slower).
        self._keeper: sqlite3.Connection | None = None

    def keep_open(self) -> None:
        if self._keeper is None:
            self._keeper = self.connect()
            weakref.finalize(self, self._keeper.close)

    def close(self) -> None:
        """Let go of the database (checkpoints the WAL into the file)."""
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def migrate(self) -> int:
        """Create or upgrade the schema; returns the version now in place.

        A database that is already current is only read, so a read-only one still opens
        (its writes then answer 503 store_unavailable). Raises ApiError if it cannot be used.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._connection() as connection:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version < len(MIGRATIONS):
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("BEGIN IMMEDIATE")
                version = int(connection.execute("PRAGMA user_version").fetchone()[0])
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in _statements(script):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {number}")
                    version = number
                connection.execute("COMMIT")
        self.keep_open()
        return version

    def write(self, work: Callable[[sqlite3.Connection], Result]) -> Result:
        return self._run(work, "BEGIN IMMEDIATE")

    def read(self, work: Callable[[sqlite3.Connection], Result]) -> Result:
        return self._run(work, "BEGIN")

    def _run(self, work: Callable[[sqlite3.Connection], Result], begin: str) -> Result:
        with self._connection() as connection:
            connection.execute(begin)
            try:
                result = work(connection)
            except ApiError as answer:
                connection.execute("COMMIT" if answer.commit else "ROLLBACK")
                raise
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A new connection, closed after use. Any SQLite failure, opening it or inside the
        block, rolls back what is open and becomes a 503 store_unavailable ApiError."""
        try:
            connection = self.connect()
        except sqlite3.Error as error:
            raise _unavailable(error) from None
        try:
            yield connection
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.rollback()
            raise _unavailable(error) from None
        finally:
            connection.close()


def _unavailable(error: sqlite3.Error) -> ApiError:
    text = str(error)
    return store_unavailable(text, read_only="readonly" in text or "read-only" in text)


def _statements(script: str) -> list[str]:
    # executescript() would commit our transaction; split on ';' instead (no ';' in literals),
    # after dropping '--' comments, which may contain one.
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]

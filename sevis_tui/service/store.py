"""The store: one transaction per request over SQLite (this module, the embedded default) or
PostgreSQL (service/postgres.py, `open_store("postgresql://...")`), with the same migrations.

Business code sees only `Tx` (`execute(sql, params)` with `?` placeholders, rows read by
column name or index) and `Storage` (`read`, `write`, `migrate`, `close`); what differs
between the engines (placeholders, column types, locking, the version record) stays in the
two store classes.

SQLite: one connection and one transaction per request, WAL, numbered migrations.

`Store.write(fn)` runs `fn(connection)` inside BEGIN IMMEDIATE (writers queue, so two uploads
never interleave) and commits; `Store.read(fn)` runs it in a read transaction. SQLite failures
(locked, read-only, not a database) become a 503 `store_unavailable` ApiError, never a 500.
These are blocking calls: the app runs them in a worker thread.

Connections are pooled, and writers of this process queue on a lock before BEGIN IMMEDIATE:
SQLite's own busy handler sleeps 1, 2, 5, 10... ms between tries, which under concurrent
uploads was most of an upload's latency. Its busy timeout still covers other processes
(`serve admin`). The database file and its -wal/-shm are private (mode 0600): they hold
password hashes, session hashes and the audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol, TypeAlias, TypeVar

from sevis_tui.service.errors import ApiError, store_unavailable
from sevis_tui.service.schema import MIGRATIONS

log = logging.getLogger("sevis_tui.service")
Result = TypeVar("Result")
PRIVATE = 0o600
# Enough idle connections for the worker threads that are usually busy at once.
POOL_SIZE = 16
Clock = Callable[[], dt.datetime]


# A row as read: by column name (row["user_id"]) or index (row[0]), and dict(row).
Row: TypeAlias = Any


class Rows(Protocol):
    """What `Tx.execute` returns (a cursor)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Tx(Protocol):
    """An open transaction: a sqlite3.Connection, or service/postgres.py's PgTx."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows: ...


class Storage(Protocol):
    """A store of either engine: `write` and `read` run `work(tx)` in one transaction."""

    engine: str
    # Where the data is, fit to print (a path, or a URL without a password).
    label: str

    def migrate(self) -> int: ...

    def write(self, work: Callable[[Tx], Result]) -> Result: ...

    def read(self, work: Callable[[Tx], Result]) -> Result: ...

    def close(self) -> None: ...


def is_postgres_url(database: str | Path) -> bool:
    return isinstance(database, str) and database.startswith(("postgresql://", "postgres://"))


def open_store(database: str | Path, *, busy_timeout: float = 5.0) -> Storage:
    """The store for a path (SQLite) or a postgresql:// URL (needs psycopg, imported here so
    that SQLite needs nothing installed)."""
    if is_postgres_url(database):
        from sevis_tui.service.postgres import PgStore

        return PgStore(str(database), timeout=busy_timeout)
    return Store(Path(database), busy_timeout=busy_timeout)


def schema_too_new(found: int, where: str) -> ApiError:
    """A database migrated by a newer sevis-tui: never used, it could be damaged."""
    return ApiError(
        503,
        "store_unavailable",
        f"the database {where} has schema version {found}, newer than this sevis-tui knows "
        f"({len(MIGRATIONS)}); run the sevis-tui version that last used it, or a newer one",
        "Run the sevis-tui version that last used this database, or a newer one.",
    )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """A time as stored: ISO 8601 in UTC (sorts as text)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_stamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class Store:
    """The SQLite store (the schema version is PRAGMA user_version)."""

    engine = "sqlite"

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.label = str(path)
        self.busy_timeout = busy_timeout
        # Held open for the store's life, so closing a request's connection is never the last
        # close, which would checkpoint and delete the WAL each time (ten times slower).
        self._keeper: sqlite3.Connection | None = None
        self._idle: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        # (device, inode) of the file the pooled connections have open: a replaced file
        # (restored from a backup, say) must not be served from connections to the old one.
        self._identity: tuple[int, int] | None = None
        self._writing = threading.Lock()

    def keep_open(self) -> None:
        if self._keeper is None:
            self._keeper = self.connect()
            weakref.finalize(self, self._keeper.close)

    def close(self) -> None:
        """Let go of the database (checkpoints the WAL into the file)."""
        self._drop_pool()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def connect(self) -> sqlite3.Connection:
        # mode=rw: only migrate() creates the file (private); a vanished one is an error.
        connection = sqlite3.connect(
            self.path.absolute().as_uri() + "?mode=rw",
            uri=True,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
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
        make_private(self.path)
        with self._connection() as connection:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise schema_too_new(version, self.label)
            if version < len(MIGRATIONS):
                connection.execute("PRAGMA journal_mode = WAL")
                # What a migration deletes (user IDs as typed, schema 6) is overwritten with
                # zeros, not left in the file's free pages.
                connection.execute("PRAGMA secure_delete = ON")
                connection.execute("BEGIN IMMEDIATE")
                version = int(connection.execute("PRAGMA user_version").fetchone()[0])
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in statements(script):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {number}")
                    version = number
                connection.execute("COMMIT")
                connection.execute("PRAGMA secure_delete = OFF")
        self.keep_open()
        for suffix in ("-wal", "-shm"):
            make_private(self.path.with_name(self.path.name + suffix), create=False)
        return version

    def write(self, work: Callable[[Tx], Result]) -> Result:
        with self._writing:
            return self._run(work, "BEGIN IMMEDIATE")

    def read(self, work: Callable[[Tx], Result]) -> Result:
        return self._run(work, "BEGIN")

    def _run(self, work: Callable[[Tx], Result], begin: str) -> Result:
        with self._connection() as connection:
            connection.execute(begin)
            try:
                result = work(connection)
            except BaseException:
                # A refusal too: what must stay of one is returned, not raised (errors.py).
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection, back in the pool after use. Any SQLite failure, opening it or
        inside the block, rolls back what is open, closes the connection and becomes a 503
        store_unavailable ApiError."""
        try:
            connection = self._checkout()
        except sqlite3.Error as error:
            raise _unavailable(error) from None
        broken = False
        try:
            yield connection
        except sqlite3.Error as error:
            broken = True
            raise _unavailable(error) from None
        finally:
            self._checkin(connection, healthy=not broken and not connection.in_transaction)

    def _checkout(self) -> sqlite3.Connection:
        identity = _identity(self.path)
        with self._pool_lock:
            if identity != self._identity:
                self._drop_pool_locked()
                self._identity = identity
            elif self._idle:
                return self._idle.pop()
        return self.connect()

    def _checkin(self, connection: sqlite3.Connection, healthy: bool) -> None:
        with self._pool_lock:
            if healthy and len(self._idle) < POOL_SIZE:
                self._idle.append(connection)
                return
        with suppress(sqlite3.Error):
            if connection.in_transaction:
                connection.rollback()
        connection.close()

    def _drop_pool(self) -> None:
        with self._pool_lock:
            self._drop_pool_locked()

    def _drop_pool_locked(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


def make_private(path: Path, *, create: bool = True) -> None:
    """Create `path` with mode 0600 if it is missing (SQLite would make it 0644, and gives its
    -wal and -shm the database file's mode), and take group and other bits off an existing
    one. A file we may not change (not ours, immutable) is left as it is, with a warning."""
    if create:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
            return
        except FileExistsError:
            pass
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        return
    except OSError as error:
        log.warning("cannot make %s private (mode 0600): %s", path, error.strerror)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _unavailable(error: sqlite3.Error) -> ApiError:
    text = str(error)
    return store_unavailable(text, read_only="readonly" in text or "read-only" in text)


def statements(script: str) -> list[str]:
    """The script's statements, one by one: executescript() would commit our transaction.

    A ';' ends a statement only where SQLite says the text so far is complete, so one inside a
    string literal or a comment does not cut it. Every statement ends with ';'."""
    statements: list[str] = []
    pending = ""
    *pieces, rest = script.split(";")
    for piece in pieces:
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if (pending + rest).strip():
        raise ValueError(f"a migration does not end with ';': {(pending + rest).strip()[:60]!r}")
    return statements

"""`serve admin export FILE` / `serve admin import FILE`: a whole service's data as one JSON
file, to move it between stores (a SQLite service to PostgreSQL) with nothing lost.

Every table the migrations create is written whole, with its ids: users and their password
hashes, programs, officials, agreements, acceptances, registrations and their history, sessions,
batches, the audit log. Binary columns (certificates, batch files) are base64. The file holds
password hashes, so it is written private (mode 0600). Import goes into an empty database of
the same schema version only, in one transaction: all of it, or nothing.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from sevis_tui.cert.reading import read_path
from sevis_tui.service.schema import MIGRATIONS
from sevis_tui.service.store import Storage, Tx
from sevis_tui.storage.atomic import write_atomic

FORMAT = "sevis-tui service export"
# An export holds every stored batch file too; beyond this it is not one of ours.
MAX_EXPORT_BYTES = 4 * 1024**3
PRIVATE = 0o600


def tables() -> list[str]:
    """The tables of the schema, in the order the migrations create them (so a table comes
    after those it refers to)."""
    # dict.fromkeys: a table a later migration drops and makes again is named once.
    return list(dict.fromkeys(re.findall(r"CREATE TABLE (\w+)", "".join(MIGRATIONS))))


# Tables whose rows a migration makes (the database's own secret): an import replaces them
# with the exported ones, so what they keyed (unknown user IDs' HMACs) still matches.
MADE_BY_MIGRATIONS = frozenset({"service_secrets"})


def _value(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _stored(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["base64"])
    return value


def dump(tx: Tx) -> dict[str, Any]:
    """Every table's columns and rows (in the order of their first column)."""
    data: dict[str, Any] = {}
    for table in tables():
        rows = tx.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        columns = list(rows[0].keys()) if rows else []
        data[table] = {
            "columns": columns,
            "rows": [[_value(row[column]) for column in columns] for row in rows],
        }
    return {"format": FORMAT, "schema_version": len(MIGRATIONS), "tables": data}


def export_to(store: Storage, path: Path) -> dict[str, int]:
    """Write the store's data to `path` (mode 0600); returns the row count per table."""
    data = store.read(dump)
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    write_atomic(path, text.encode("ascii"), PRIVATE)
    return {name: len(table["rows"]) for name, table in data["tables"].items()}


def read_export(path: Path) -> dict[str, Any]:
    # The one safe reader of inputs: a FIFO or a device is refused, not read until it ends.
    read = read_path(path, MAX_EXPORT_BYTES)
    if read.data is None:
        problem = read.findings[0].message  # its remedy speaks of certificate files
        raise ValueError(f"{problem} Give the file `serve admin export` wrote.")
    try:
        data = json.loads(read.data)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"{path} is not a sevis-tui export (not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a sevis-tui export (made by `serve admin export`)")
    if data.get("schema_version") != len(MIGRATIONS):
        raise ValueError(
            f"{path} has schema version {data.get('schema_version')}, this sevis-tui "
            f"{len(MIGRATIONS)}: export it again with this version"
        )
    return data


def import_into(store: Storage, data: dict[str, Any]) -> dict[str, int]:
    """Load an export into the store's empty database, in one transaction."""

    def work(tx: Tx) -> dict[str, int]:
        for table in tables():
            if table in MADE_BY_MIGRATIONS:
                continue
            if tx.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                raise ValueError(
                    f"the database already holds data (table {table}): import only into a "
                    "new, empty database"
                )
        counts: dict[str, int] = {}
        for table in tables():
            content = data["tables"].get(table, {"columns": [], "rows": []})
            columns = [_column(name) for name in content["columns"]]
            if table in MADE_BY_MIGRATIONS:
                tx.execute(f"DELETE FROM {table}")
            marks = ",".join("?" for _ in columns)
            insert = f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})"
            for row in content["rows"]:
                tx.execute(insert, [_stored(value) for value in row])
            counts[table] = len(content["rows"])
            if store.engine == "postgresql" and "id" in columns:
                # Rows came with their ids: the identity continues after the largest.
                tx.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE(max(id), 0) + 1, false) FROM {table}"
                )
        return counts

    return store.write(work)


def _column(name: object) -> str:
    if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"the export names a column {name!r} that no table has")
    return name

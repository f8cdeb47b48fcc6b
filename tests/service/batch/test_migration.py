"""Migration 4 on a store that already holds batches of the counting door (version 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sevis_tui.service.batch import batches
from sevis_tui.service.schema import MIGRATIONS
from sevis_tui.service.store import Store
from sevis_tui.sevis_batch.translog import read_log


def test_a_batch_stored_before_migration_4_still_gives_a_valid_log(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:3]:
            db.executescript(script)
        db.execute("PRAGMA user_version = 3")
        db.execute(
            "INSERT INTO batches (program, batch_id, user_id, root, records, filename, xml,"
            " xml_sha256, certificate, uploaded_at) VALUES ('P-1-00001', 'B2026120100001',"
            " 'jsmith6544', 'SEVISBatchCreateUpdateEV', 2, 'old.xml', x'00', '', '',"
            " '2026-12-01T10:00:00.000000+00:00')"
        )
    store = Store(path)
    assert store.migrate() == len(MIGRATIONS)
    archive = store.read(lambda tx: batches.transaction_log(tx, "P-1-00001", "B2026120100001"))
    read = read_log(archive)
    assert read.valid and read.log is not None, read.problems
    assert (read.log.upload_code, read.log.process_code, read.log.results) == ("S0000", "S0000", [])
    assert read.log.process_at == "2026-12-01T10:00:00"
    store.close()

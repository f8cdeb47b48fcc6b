"""The demo's batch files (`sevis-tui demo-certs`) do at the door what their names say: the
good one is processed whole, one-fails has exactly one failed record, not-valid is refused."""

from __future__ import annotations

from pathlib import Path

from sevis_tui.api.batch_client import BatchClient
from sevis_tui.commands.demo_certs import batch_names, write_batches
from sevis_tui.sevis_batch.check import Expected, check_file

from .conftest import PROGRAM, USER, transaction_log


async def test_the_demo_batch_files_at_the_door(client: BatchClient, tmp_path: Path) -> None:
    written = write_batches(tmp_path, PROGRAM, USER)
    assert [path.name for path in written] == list(batch_names(PROGRAM))
    good, one_fails, not_valid = written
    outcomes = {}
    for path in written:
        batch_id = check_file(path, Expected(PROGRAM, USER)).batch_id
        reply = await client.upload(PROGRAM, USER, path.read_bytes(), path.name, batch_id)
        if not reply.accepted:
            outcomes[path] = reply.code
            continue
        log = transaction_log(await client.download(PROGRAM, USER, batch_id))
        outcomes[path] = [(r.request_id, r.success, r.error_code) for r in log.results]
    assert outcomes[good] == [(f"demo-{n}", True, "") for n in (1, 2, 3)]
    assert outcomes[one_fails] == [
        ("demo-1", True, ""),
        ("demo-2", True, ""),
        ("demo-3", False, "S1001"),
        ("demo-4", True, ""),
    ]
    assert outcomes[not_valid] == "S0004"  # the schema: refused at upload

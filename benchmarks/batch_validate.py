"""`batch validate` on a 250-record file against lxml's bare XMLSchema.validate, and the door's
upload-to-log time for that file.

Three figures, from the same run, on the same 250-record batch file (sevis_batch/sample.py,
about 300 KB):

- schema loading: compiling the 6.27 upload schema (with Common.xsd and SEVISTable.xsd) and
  SevisTransLog.xsd, once per process; excluded from the next two and reported on its own;
- the project's check (`sevis_batch.check.check_bytes`: the safe parse, the record count, the
  schema, every finding in plain words, the door's rules) against the bare baseline (lxml's
  parse + `XMLSchema.validate`), both on a valid file and on a file with one error in each of
  50 records (so that findings are included). Goal: at most 2x the baseline;
- the door: upload (mutual TLS on loopback) of the valid file, processed record by record,
  then the download of its transaction log, end to end.

    .venv/bin/python benchmarks/batch_validate.py [--rounds 30] [--uploads 5]

Exits 1 if the check is more than 2x the baseline (medians) or the door refuses the batch.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROGRAM, USER = "P-1-00001", "jsmith6544"


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def timed(rounds: int, ours: Any, base: Any) -> tuple[list[float], list[float]]:
    """Both, one after the other in each round, so that a busy machine slows both alike."""
    ours(), base()  # warm
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for work, into in ((ours, times[0]), (base, times[1])):
            start = time.perf_counter()
            work()
            into.append(time.perf_counter() - start)
    return times


def offline(rounds: int) -> bool:
    from lxml import etree

    from sevis_tui.sevis_batch import schemas
    from sevis_tui.sevis_batch.check import Expected, check_bytes
    from sevis_tui.sevis_batch.sample import sample_batch

    start = time.perf_counter()
    schemas.load(schemas.UPLOAD_XSD)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    schemas.load(schemas.TRANSACTION_LOG_XSD)
    log_loaded = time.perf_counter() - start
    print(
        f"schema loading (once per process): upload {loaded * 1000:.1f} ms, "
        f"transaction log {log_loaded * 1000:.1f} ms"
    )

    valid = sample_batch("B2026120700001", PROGRAM, USER, 250)
    broken = valid.replace(b"<BirthDate>1990-05-01", b"<BirthDate>1990-13-01", 50)
    bare = etree.XMLSchema(etree.parse(str(schemas.schema_folder() / schemas.UPLOAD_XSD)))
    expected = Expected(program=PROGRAM, user_id=USER)
    ok = True
    print(f"250 records, {len(valid) // 1024} KB, {rounds} rounds, medians:")
    for name, data in (("valid file", valid), ("50 errors", broken)):
        findings = len(check_bytes(data, expected).findings)

        def baseline(data: bytes = data) -> None:
            bare.validate(etree.fromstring(data))

        ours, base = timed(rounds, lambda data=data: check_bytes(data, expected), baseline)
        ratio = statistics.median(ours) / statistics.median(base)
        print(
            f"  {name:<10} batch validate {median_ms(ours):6.2f} ms ({findings} findings)   "
            f"bare XMLSchema.validate {median_ms(base):6.2f} ms   ratio {ratio:.2f}x (goal <= 2x)"
        )
        ok = ok and ratio <= 2.0
    return ok


async def door(uploads: int) -> bool:
    import httpx

    from sevis_tui.api.batch_client import BatchClient, BatchIdentity
    from sevis_tui.cert import factory
    from sevis_tui.service.batch.app import create_batch_app
    from sevis_tui.service.batch.listener import BatchListener, demo_server_identity, server_context
    from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
    from sevis_tui.sevis_batch.sample import sample_batch
    from sevis_tui.sevis_batch.translog import read_log
    from sevis_tui.wiring.local_service import create_app, ensure_demo_issuer

    database = Path(os.environ["XDG_DATA_HOME"]) / "sevis.db"
    registration = create_app(database, demo=True)
    issuer = ensure_demo_issuer()
    now = dt.datetime.now(dt.UTC)
    person = factory.make_personal(issuer, not_before=now - dt.timedelta(days=1))
    transport = httpx.ASGITransport(app=registration)
    async with httpx.AsyncClient(transport=transport, base_url="http://x/api/v1/") as api:
        login = await api.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        await api.post(f"programs/{PROGRAM}/batch/acceptance", json={"version": 1}, headers=auth)
        answer = await api.post(
            f"programs/{PROGRAM}/batch/certificate",
            content=factory.pem(person.certificate),
            headers={**auth, "Idempotency-Key": "bench"},
        )
        assert answer.status_code == 201, answer.text
    context = server_context([issuer.certificate], identity=demo_server_identity(issuer, now))
    identity = BatchIdentity(person.key, person.certificate)
    ca = factory.pem(issuer.certificate).decode()
    times, ok = [], True
    with BatchListener(create_batch_app(database), context) as listener:
        async with BatchClient(listener.url, identity, ca_pem=ca) as client:
            await client.check(PROGRAM, USER)  # the connection, and the listener warm
            for n in range(uploads + 1):
                batch_id = f"B20261207{n:05d}"
                xml = sample_batch(batch_id, PROGRAM, USER, 250)
                start = time.perf_counter()
                reply = await client.upload(PROGRAM, USER, xml, "bench.xml", batch_id)
                archive = await client.download(PROGRAM, USER, batch_id)
                elapsed = time.perf_counter() - start
                log = read_log(archive).log if isinstance(archive, bytes) else None
                ok = ok and reply.accepted and log is not None and len(log.results) == 250
                if n:  # the first is the warm-up
                    times.append(elapsed)
    print(
        f"door, 250-record upload to its transaction log (mutual TLS, loopback, {uploads} "
        f"batches): median {median_ms(times):.0f} ms, max {max(times) * 1000:.0f} ms"
    )
    return ok


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--uploads", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sevis-bench-") as folder:
        for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            os.environ[name] = os.path.join(folder, name.lower())
        fine = offline(options.rounds)
        fine = asyncio.run(door(options.uploads)) and fine
        if not fine:
            print("FAILED: over 2x the baseline, or the door did not take the batch")
        sys.exit(0 if fine else 1)

"""Load on the registration service over real HTTP (`sevis-tui serve`: uvicorn on 127.0.0.1).

N concurrent clients log in and list their programs (not timed: logins cost scrypt on purpose),
then each registers a number of certificates as fast as the service answers. Prints
registrations per second and p50/p95 latency per kind of request with the ratio to the targets
(>= 200 registrations/s and upload p95 <= 50 ms with 8 clients), then checks that nothing was
lost or duplicated and that durability holds: the server is killed with SIGKILL (no clean
shutdown, no checkpoint) and every confirmation it answered 201 for must be in the database.

    .venv/bin/python benchmarks/service_load.py [--clients 8] [--uploads 40]
    # profile the server:  --server-prefix "/tmp/spy/bin/py-spy record -o /tmp/s.svg --"

Runs in a temporary data folder; exits 1 if a check fails (not for a missed speed target: on a
shared machine those figures are noisy, so they are printed with their ratio instead).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")
PROGRAMS = ("P-1-00001", "P-1-00002", "P-1-00003")  # the demo user is RO, RO, ARO
TARGET_RATE = 200.0  # registrations per second, 8 clients
TARGET_P95_MS = 50.0


class Timings:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[float]] = defaultdict(list)

    async def time(self, kind: str, call: Awaitable[T]) -> T:
        start = time.perf_counter()
        result = await call
        self.by_kind[kind].append(time.perf_counter() - start)
        return result

    def report(self) -> None:
        print(f"{'request':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8}")
        for kind, values in self.by_kind.items():
            print(f"{kind:<12} {len(values):>6} {pct(values, 50):>8.1f} {pct(values, 95):>8.1f}")


def pct(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000


async def run(clients: int, uploads: int, folder: Path, prefix: list[str]) -> int:
    from sevis_tui.api.client import new_idempotency_key
    from sevis_tui.api.remote import open_remote_client
    from sevis_tui.cert import factory
    from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
    from sevis_tui.settings.config import shipped_settings
    from sevis_tui.wiring.local_service import ensure_demo_issuer

    database = folder / "load.db"
    issuer = ensure_demo_issuer()
    key = factory.new_key("rsa", 2048)  # one key, many certificates: signing is cheap
    files = [
        [factory.pem(factory.make_personal(issuer, key=key).certificate) for _ in range(uploads)]
        for _ in range(clients)
    ]
    timings = Timings()
    with served(database, prefix) as (url, server):
        settings = shipped_settings({"server": {"url": url, "timeout": 60}})
        first = await open_remote_client(settings)
        await first.login(DEMO_USER_ID, DEMO_PASSWORD)
        version = (await first.agreement()).version
        for number in PROGRAMS:
            await first.accept_agreement(number, version)
        officers = [await open_remote_client(settings) for _ in range(clients)]
        await asyncio.gather(
            *(timings.time("login", c.login(DEMO_USER_ID, DEMO_PASSWORD)) for c in officers)
        )
        await asyncio.gather(*(timings.time("programs", c.programs()) for c in officers))

        async def officer(index: int) -> list[str]:
            client = officers[index]
            numbers = []
            for count, data in enumerate(files[index]):
                program = PROGRAMS[(index + count) % len(PROGRAMS)]
                confirmation = await timings.time(
                    "upload",
                    client.upload_certificate(program, data, "c.pem", new_idempotency_key()),
                )
                numbers.append(confirmation.number)
            return numbers

        start, client_cpu, server_cpu = time.perf_counter(), time.process_time(), cpu(server)
        results = await asyncio.gather(*(officer(index) for index in range(clients)))
        elapsed = time.perf_counter() - start
        client_cpu, server_cpu = time.process_time() - client_cpu, cpu(server) - server_cpu
        statuses = [await first.batch_status(number) for number in PROGRAMS]
        for client in [first, *officers]:
            await client.aclose()

    confirmations = [number for numbers in results for number in numbers]
    rate = len(confirmations) / elapsed
    p95 = pct(timings.by_kind["upload"], 95)
    print(f"service_load: {clients} clients x {uploads} uploads over real HTTP on loopback")
    timings.report()
    print(f"{len(confirmations)} registrations in {elapsed:.2f} s: {rate:.0f}/s")
    print(
        f"  CPU in those {elapsed:.2f} s: server {server_cpu:.2f} s "
        f"({server_cpu / len(confirmations) * 1000:.1f} ms per registration), "
        f"clients {client_cpu:.2f} s (one process; {os.cpu_count()} cores shared)"
    )
    print(f"  registrations/s {rate:6.0f}  target >= {TARGET_RATE:.0f}: x{rate / TARGET_RATE:.2f}")
    print(
        f"  upload p95 ms   {p95:6.1f}  target <= {TARGET_P95_MS:.0f}: x{TARGET_P95_MS / p95:.2f}"
    )
    history = [item.confirmation for status in statuses for item in status.history]
    currents = [sum(item.current for item in status.history) for status in statuses]
    # Read after SIGKILL: only what reached the database file and its WAL counts.
    with contextlib.closing(sqlite3.connect(database)) as db:
        stored = {row[0] for row in db.execute("SELECT confirmation FROM registrations")}
        audited = db.execute(
            "SELECT COUNT(*) FROM audit WHERE action = 'upload' AND result = 'ok'"
        ).fetchone()[0]
    checks = {
        "every upload confirmed": len(confirmations) == clients * uploads,
        "no duplicate confirmation": len(set(confirmations)) == len(confirmations),
        "history holds every confirmation, once": sorted(history) == sorted(confirmations),
        "one current registration per used program": all(
            current == (1 if status.history else 0)
            for current, status in zip(currents, statuses, strict=True)
        ),
        "every 201 survived kill -9": set(confirmations) <= stored,
        "audit log holds every upload": audited == len(confirmations),
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


@contextlib.contextmanager
def served(database: Path, prefix: list[str]) -> Iterator[tuple[str, int]]:
    """`sevis-tui serve --demo` in its own process on a free loopback port; yields its URL
    and process ID.

    Ends it with SIGKILL, as a crash would."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [*prefix, sys.executable, "-m", "sevis_tui", "serve", "--demo", "--port", str(port)]
    log = (database.parent / "server.log").open("wb")  # a pipe could fill up and stall it
    process = subprocess.Popen(
        [*command, "--db", str(database)], stdout=subprocess.DEVNULL, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until it answers
            try:
                httpx.get(url + "/api/v1/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    text = (database.parent / "server.log").read_text(errors="replace")
                    raise SystemExit(f"service_load: the server did not start:\n{text}") from None
                time.sleep(0.05)
        yield url, process.pid
    finally:
        if prefix:  # a profiler wraps the server: stop the server gently so it writes its file
            process.send_signal(signal.SIGINT)
        else:
            process.kill()
        process.wait(timeout=60)
        log.close()


def cpu(pid: int) -> float:
    """CPU seconds (user + system) the process used so far; 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=40, help="uploads per client")
    parser.add_argument(
        "--server-prefix", default="", help="command to run the server under, e.g. a profiler"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sevis-load-") as folder:
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(Path(folder) / name.lower())
        prefix = shlex.split(args.server_prefix)
        return asyncio.run(run(args.clients, args.uploads, Path(folder), prefix))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())

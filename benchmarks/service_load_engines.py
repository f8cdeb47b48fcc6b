"""The registration service under load on each engine, in one run: one `serve` on SQLite, one
on PostgreSQL, two on one PostgreSQL (the clients split between them).

N concurrent clients log in (not timed: scrypt), then each registers certificates as fast as
the service answers. Prints registrations per second and upload p50/p95 per setup, and where
the CPU went (the serve processes, this client process, the rest of the machine: PostgreSQL
and anything else running), then checks that every confirmation is stored once.

    .venv/bin/python benchmarks/service_load_engines.py [--clients 8] [--uploads 40]
    # an existing server instead of a throwaway cluster (superuser URL, password in PGPASSFILE):
    SEVIS_TUI_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python ...

The throwaway cluster is made as tests/service/pg_support.py makes the tests' (fsync off: the
figures show the service's and the driver's cost, not a disk's). Exits 1 if a check fails.

Reading the figures: on a machine with 2 cores the clients, every serve process and PostgreSQL
share those 2 cores, so a second instance cannot add capacity; it can only show that two
instances stay correct and what the extra process costs. What the CPU columns do show: the
service's cost per registration on each engine (the serve column / registrations), and the
database's share. Writes queue on one lock in both engines (docs/architecture.md), so scaling
out buys the work outside transactions (HTTP, scrypt, certificate checks), on more cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from service_load import PROGRAMS, Timings, cpu, pct

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "service"))
import pg_support  # noqa: E402  (the tests' throwaway PostgreSQL)


def postgres_seconds(cluster: pg_support.Cluster) -> float:
    """CPU seconds the cluster's server used so far: the postmaster with its ended children
    (a serve's backends end, and are counted, when the serve stops), and its live ones."""
    if cluster.root is None:
        return 0.0
    try:
        postmaster = int((cluster.root / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return 0.0
    total = _stat_seconds(postmaster, with_children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(int(entry.name)) == postmaster:
            total += _stat_seconds(int(entry.name), with_children=False)
    return total


def _fields(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _parent(pid: int) -> int:
    fields = _fields(pid)
    return int(fields[1]) if fields else 0


def _stat_seconds(pid: int, *, with_children: bool) -> float:
    fields = _fields(pid)
    if not fields:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def serving(database: str, count: int, folder: Path) -> Iterator[list[tuple[str, int]]]:
    """`count` serve processes on `database`; yields their (URL, pid); ends them."""
    processes: list[subprocess.Popen[bytes]] = []
    found: list[tuple[str, int]] = []
    try:
        for n in range(count):
            port = pg_support.free_port()
            log = (folder / f"serve-{n}.log").open("wb")
            command = [sys.executable, "-m", "sevis_tui", "serve", "--demo", "--db", database]
            process = subprocess.Popen(
                [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=log
            )
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/api/v1/health", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        text = (folder / f"serve-{n}.log").read_text(errors="replace")
                        raise SystemExit(f"the server did not start:\n{text}") from None
                    time.sleep(0.05)
            found.append((url, process.pid))
        yield found
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


async def load(urls: list[str], clients: int, files: list[list[bytes]]) -> tuple[Timings, float]:
    from sevis_tui.api.client import new_idempotency_key
    from sevis_tui.api.remote import open_remote_client
    from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
    from sevis_tui.settings.config import shipped_settings

    def settings(index: int) -> object:
        return shipped_settings({"server": {"url": urls[index % len(urls)], "timeout": 60}})

    first = await open_remote_client(settings(0))
    await first.login(DEMO_USER_ID, DEMO_PASSWORD)
    version = (await first.agreement()).version
    for number in PROGRAMS:
        await first.accept_agreement(number, version)
    await first.aclose()
    officers = [await open_remote_client(settings(n)) for n in range(clients)]
    timings = Timings()
    await asyncio.gather(
        *(timings.time("login", c.login(DEMO_USER_ID, DEMO_PASSWORD)) for c in officers)
    )

    async def officer(index: int) -> None:
        for count, data in enumerate(files[index]):
            program = PROGRAMS[(index + count) % len(PROGRAMS)]
            await timings.time(
                "upload",
                officers[index].upload_certificate(program, data, "c.pem", new_idempotency_key()),
            )

    start = time.perf_counter()
    await asyncio.gather(*(officer(n) for n in range(clients)))
    elapsed = time.perf_counter() - start
    for client in officers:
        await client.aclose()
    return timings, elapsed


def stored(database: str) -> int:
    from sevis_tui.service.store import open_store

    store = open_store(database if "://" in database else Path(database))
    store.migrate()
    try:
        return int(
            store.read(lambda tx: tx.execute("SELECT count(*) FROM registrations").fetchone()[0])
        )
    finally:
        store.close()


def setup_run(
    name: str,
    database: str,
    instances: int,
    clients: int,
    files: list[list[bytes]],
    folder: Path,
    cluster: pg_support.Cluster,
) -> bool:
    """One setup; CPU is counted over the load (the logins' scrypt included)."""
    with serving(database, instances, folder) as servers:
        mine, server = time.process_time(), postgres_seconds(cluster)
        served_cpu = sum(cpu(pid) for _, pid in servers)
        timings, elapsed = asyncio.run(load([url for url, _ in servers], clients, files))
        served_cpu = sum(cpu(pid) for _, pid in servers) - served_cpu
        mine, server = time.process_time() - mine, postgres_seconds(cluster) - server
    server = server if "://" in database else 0.0
    uploads = timings.by_kind["upload"]
    rate = len(uploads) / elapsed
    print(
        f"{name:<22} {rate:7.0f} {pct(uploads, 50):7.1f} {pct(uploads, 95):7.1f}"
        f"   serve {served_cpu:5.2f}  postgres {server:5.2f}  client {mine:5.2f}"
        f"   (load {elapsed:5.2f} s)"
    )
    ok = stored(database) == len(uploads) == clients * len(files[0])
    if not ok:
        print(f"  FAIL {name}: not every confirmation is stored once")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=40, help="per client")
    args = parser.parse_args()
    reason = pg_support.missing_reason()
    if reason:
        print(f"service_load_engines: skipped: {reason}")
        return 0
    with tempfile.TemporaryDirectory(prefix="sevis-load-") as temporary:
        folder = Path(temporary)
        os.environ["XDG_DATA_HOME"] = str(folder / "data")
        from sevis_tui.cert import factory
        from sevis_tui.wiring.local_service import ensure_demo_issuer

        issuer = ensure_demo_issuer()
        key = factory.new_key("rsa", 2048)
        files = [
            [
                factory.pem(factory.make_personal(issuer, key=key).certificate)
                for _ in range(args.uploads)
            ]
            for _ in range(args.clients)
        ]
        cluster = pg_support.Cluster()
        cluster.start()
        try:
            print(
                f"service_load_engines: {args.clients} clients x {args.uploads} uploads, "
                "real HTTP on loopback"
            )
            print(
                f"{'setup':<22} {'reg/s':>7} {'p50 ms':>7} {'p95 ms':>7}   CPU seconds "
                f"over the load ({os.cpu_count()} cores)"
            )
            results = [
                setup_run(
                    "1 x serve, SQLite",
                    str(folder / "load.db"),
                    1,
                    args.clients,
                    files,
                    folder,
                    cluster,
                ),
                setup_run(
                    "1 x serve, PostgreSQL",
                    cluster.url(cluster.create_database()),
                    1,
                    args.clients,
                    files,
                    folder,
                    cluster,
                ),
                setup_run(
                    "2 x serve, PostgreSQL",
                    cluster.url(cluster.create_database()),
                    2,
                    args.clients,
                    files,
                    folder,
                    cluster,
                ),
            ]
        finally:
            cluster.remove()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

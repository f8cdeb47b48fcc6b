"""One certificate registered for 50 programs through `sevis-tui register`, against
`sevis-tui serve --demo --demo-programs 50` on loopback (uvicorn on 127.0.0.1), each its own
process, as an officer would run them.

Prints, per repetition: the wall time of the command for one program and for 50 programs
(each run a new certificate, so every program really registers: an acceptance and an upload
each), the time per program in the 50-program run, the marginal time of one more program, and
the ratio of the 50-program run to the one-program run (50 separate runs would be 50x). Also
times a second run with the same certificate, which uploads nothing. The wall times include
starting Python and one login (scrypt, on purpose slow), which the 50 programs share.

    .venv/bin/python benchmarks/multi_register.py [--programs 50] [--repeat 3]

Runs in a temporary data folder; exits 1 if a run fails or registers the wrong number.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def serving(database: Path, programs: int, env: dict[str, str]) -> Iterator[str]:
    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sevis_tui", "serve", "--demo", "--port", str(port)]
    command += ["--db", str(database), "--demo-programs", str(programs)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)


def timed_register(
    url: str, env: dict[str, str], password: Path, numbers: list[str], path: Path
) -> tuple[float, list[dict[str, object]]]:
    command = [sys.executable, "-m", "sevis_tui", "--server", url, "register"]
    command += ["--user-id", "jsmith6544", "--password-file", str(password)]
    command += [word for number in numbers for word in ("--program", number)]
    command += ["--accept-agreement", "1", "--json", "--receipt", str(path) + ".receipt.txt"]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, str(path)], env=env, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"register failed ({done.returncode}): {done.stderr.strip()}")
    return took, [json.loads(line) for line in done.stdout.splitlines()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    count = options.programs
    with tempfile.TemporaryDirectory(prefix="sevis-multi-") as temporary:
        folder = Path(temporary)
        env = {**os.environ}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "HOME"):
            env[name] = str(folder / name.lower())
            os.environ[name] = env[name]
        for name in [n for n in env if n.startswith("SEVIS_TUI_")]:
            del env[name]
        from sevis_tui.cert import factory
        from sevis_tui.service.demo import DEMO_PASSWORD, extra_program_number
        from sevis_tui.settings.config import paths
        from sevis_tui.wiring.local_service import ensure_demo_issuer

        issuer = ensure_demo_issuer()
        env["SEVIS_TUI_ACCEPTED_ISSUERS"] = str(paths().demo_issuer_cert)
        key = factory.new_key("rsa", 2048)
        now = dt.datetime.now(dt.UTC)
        password = folder / "password.txt"
        password.write_text(DEMO_PASSWORD + "\n", encoding="utf-8")
        password.chmod(0o600)
        numbers = [extra_program_number(index) for index in range(1, count + 1)]
        database = folder / "multi.db"
        one_runs: list[float] = []
        many_runs: list[float] = []
        again_runs: list[float] = []
        with serving(database, count, env) as url:
            for repetition in range(options.repeat):
                files = []
                for which in ("one", "many"):
                    path = folder / f"cert-{repetition}-{which}.pem"
                    certificate = factory.make_personal(
                        issuer,
                        key=key,
                        not_before=now - dt.timedelta(days=1),
                        not_after=now + dt.timedelta(days=365),
                    ).certificate
                    path.write_bytes(factory.pem(certificate))
                    files.append(path)
                took, lines = timed_register(url, env, password, ["P-1-00001"], files[0])
                check(lines, 1, "registered")
                one_runs.append(took)
                took, lines = timed_register(url, env, password, numbers, files[1])
                check(lines, count, "registered")
                many_runs.append(took)
                took, lines = timed_register(url, env, password, numbers, files[1])
                check(lines, count, "already_registered")
                again_runs.append(took)
        with contextlib.closing(sqlite3.connect(database)) as db:
            stored = db.execute("SELECT COUNT(*) FROM registrations").fetchone()[0]
        expected = options.repeat * (1 + count)
        if stored != expected:
            print(f"FAIL: {stored} registrations stored, {expected} expected")
            return 1
    report(count, one_runs, many_runs, again_runs)
    return 0


def check(lines: list[dict[str, object]], count: int, outcome: str) -> None:
    outcomes = [line["outcome"] for line in lines]
    if outcomes != [outcome] * count:
        raise SystemExit(f"FAIL: expected {count} x {outcome}, got {outcomes}")


def report(count: int, one: list[float], many: list[float], again: list[float]) -> None:
    print(f"sevis-tui register against serve on loopback; {len(one)} repetitions (range)")
    print(f"  1 program:             {span(one)} s per run")
    print(f"  {count} programs:           {span(many)} s per run")
    per = [value / count for value in many]
    print(f"  per program ({count} run):   {span(per, 1000)} ms")
    marginal = [(m - o) / (count - 1) for m, o in zip(many, one, strict=True)]
    print(f"  one more program:      {span(marginal, 1000)} ms (marginal)")
    ratio = [m / o for m, o in zip(many, one, strict=True)]
    print(f"  ratio {count} programs / 1: {span(ratio)}x (separate runs would be {count}x)")
    print(f"  second run, same file: {span(again)} s (uploads nothing)")
    print(f"  median per program:    {statistics.median(per) * 1000:.1f} ms")


def span(values: list[float], scale: float = 1.0) -> str:
    low, high = min(values) * scale, max(values) * scale
    return f"{low:.2f}-{high:.2f}" if scale == 1.0 else f"{low:.1f}-{high:.1f}"


if __name__ == "__main__":
    raise SystemExit(main())

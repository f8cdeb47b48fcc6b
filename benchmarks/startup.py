"""Time from process start to the first screen painted (headless): sevis-tui vs a bare Textual app.

Each run is a fresh interpreter that starts the app headless and exits from the auto-pilot once the
first screen is composed and painted. Textual starts the auto-pilot when the app is mounted, before
the screen's widgets are mounted or anything is painted, so both apps first wait for the same thing,
`pilot.pause()` (pending messages handled, first frame rendered, process idle). Target: sevis-tui
at most 1.3x the bare app. Run: .venv/bin/python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App[None]):
    def compose(self):
        yield Static("hello")

async def leave(pilot):
    await pilot.pause()
    pilot.app.exit()

Bare().run(headless=True, size=(80, 24), auto_pilot=leave)
"""

SEVIS = """
from sevis_tui.settings.config import load_settings
from sevis_tui.tui.app import SevisApp

async def leave(pilot):
    await pilot.pause()
    from sevis_tui.tui.screens.login import LoginScreen
    assert isinstance(pilot.app.screen, LoginScreen), pilot.app.screen
    pilot.app.exit()

app = SevisApp(load_settings())
app.run(headless=True, size=(80, 24), auto_pilot=leave)
# A crash inside the app still exits 0; only a clean run may count.
print("painted" if app.return_code in (0, None) and not app._exception else "FAILED")
"""


def time_one(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if "FAILED" in run.stdout:
        raise SystemExit(f"the app failed to start:\n{run.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ}
        for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            env[name] = os.path.join(home, name.lower())
        # An installed sevis-tui runs from byte code (pip compiles it), as Textual does here.
        # With PYTHONDONTWRITEBYTECODE set, every run would compile sevis-tui's modules again
        # (about 60 ms) while Textual's come compiled: the warm-up compiles into a private cache.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(home, "pycache")
        # Warm the file cache (and byte-compile) once for each, then measure alternately.
        time_one(BARE, env)
        time_one(SEVIS, env)
        bare, sevis = [], []
        for _ in range(args.runs):
            bare.append(time_one(BARE, env))
            sevis.append(time_one(SEVIS, env))
    bare_median = statistics.median(bare)
    sevis_median = statistics.median(sevis)
    ratio = sevis_median / bare_median
    print(f"bare Textual app, start to first paint: median {bare_median * 1000:7.1f} ms")
    print(f"sevis-tui login screen, same measure:   median {sevis_median * 1000:7.1f} ms")
    verdict = "OK" if ratio <= 1.3 else "MISSED"
    print(f"ratio sevis-tui / bare: {ratio:.2f}x (target <= 1.30x) -> {verdict}")


if __name__ == "__main__":
    main()

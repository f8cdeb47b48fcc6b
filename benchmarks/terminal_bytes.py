"""Bytes the app writes to the terminal for each step of the walk, at 80x24, over a real pty.

The app runs in tmux (a real terminal: it answers the app's queries as xterm does), and
`tmux pipe-pane` records every byte the app writes. Each step sends its keys, waits until the
screen shows what the step leads to, then until the app has written nothing for QUIET seconds,
and counts what was written meanwhile. Idle steps count what is written while nobody types.

Targets (issue 12): nothing written while idle; no step more than one full repaint of its
screen (20 KB at 80x24); a cursor move at most 600 B; no any-motion mouse tracking (?1003h).
A bare Textual app with two Inputs is measured the same way, for comparison.

Run:  .venv/bin/python benchmarks/terminal_bytes.py [--runs N] [--python PATH]
(--python runs the app with another interpreter, e.g. a venv holding an older version.)
Needs tmux. Figures vary a little from run to run (timers, the order of refreshes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT = 80, 24
QUIET = 0.6  # seconds without output that end a step
IDLE = 4.0  # seconds measured on an idle screen
FULL_REPAINT = 20_000
CURSOR_MOVE = 600

USER_ID, PASSWORD = "jsmith6544", "SevisDemo#2026"

BARE_APP = """
from textual.app import App
from textual.widgets import Input

class TwoInputs(App[None]):
    def compose(self):
        yield Input(placeholder="user ID")
        yield Input(placeholder="password", password=True)

TwoInputs().run()
"""


@dataclass
class Step:
    name: str
    keys: list[str]
    wait_for: str  # a regular expression the screen shows once the step is done
    target: int = FULL_REPAINT
    idle: bool = False
    literal: bool = False


WALK = [
    Step("paint the login screen", [], r"SEVIS user ID"),
    Step("idle on the login screen, per second", [], r"", target=0, idle=True),
    Step("type the user ID", [USER_ID], USER_ID, literal=True),
    Step("Tab to the password", ["Tab"], r"SEVIS user ID"),
    Step("type the password", [PASSWORD], r"•{14}", literal=True),
    Step("Enter: to the Listing of Programs", ["Enter"], r"P-1-00003"),
    Step("idle on the Listing, per second", [], r"", target=0, idle=True),
    Step("cursor down on the Listing", ["Down"], r"P-1-00003", target=CURSOR_MOVE),
    Step("cursor up on the Listing", ["Up"], r"P-1-00003", target=CURSOR_MOVE),
    Step("Enter: Program Sponsor Information", ["Enter"], r"Officials"),
    Step("a: the Actions menu", ["a"], r"Register for Batch Processing"),
    Step("Enter: the agreement", ["Enter"], r"% read"),
    Step("End: read to the end", ["End"], r"read to the end"),
    Step("y: Upload Certificate (browser)", ["y"], r"certificate files"),
    # The preview beside the list shows the new file: more than the cursor itself changes.
    Step("cursor down in the browser, new preview", ["Down"], r"Verdict"),
    Step("type a filter: jsmith6544.pem", ["jsmith6544.pem"], r"1 of \d+ shown", literal=True),
    Step("Enter: the file's report", ["Enter"], r"passed the offline checks"),
]

BARE_WALK = [
    Step("paint two inputs (bare Textual)", [], r"user ID"),
    Step("idle, per second (bare Textual)", [], r"", target=0, idle=True),
]


class Pane:
    """A tmux session of WIDTH x HEIGHT whose output is recorded to a file."""

    def __init__(self, command: list[str], env: dict[str, str], record: Path) -> None:
        # Started in the recording's folder: `python -m` would import a package in the current one.
        self.name = f"bytes-{uuid.uuid4().hex[:8]}"
        self.record = record
        record.write_bytes(b"")
        environment = [f"{key}={value}" for key, value in env.items()]
        # Started on a shell that waits, so that recording begins before the app's first byte.
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        started = "read go; exec env " + " ".join(_quote(x) for x in environment + command)
        folder = str(record.parent)
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-c",
                folder,
                *size,
                "sh",
                "-c",
                started,
            ],
            check=True,
        )
        subprocess.run(
            ["tmux", "pipe-pane", "-o", "-t", self.name, f"cat >> {_quote(str(record))}"],
            check=True,
        )
        self.send(["Enter"])

    def size(self) -> int:
        return self.record.stat().st_size

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def send(self, keys: list[str], literal: bool = False) -> None:
        if keys:
            flags = ["-l"] if literal else []
            subprocess.run(["tmux", "send-keys", "-t", self.name, *flags, *keys], check=True)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.screen()):
                return
            time.sleep(0.05)
        raise SystemExit(f"{pattern!r} did not appear; the screen was:\n{self.screen()}")

    def wait_quiet(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        last, since = self.size(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.size()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= QUIET:
                return

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def measure(steps: list[Step], start: Callable[[Path], Pane], record: Path) -> list[float]:
    pane = start(record)
    figures: list[float] = []
    try:
        for step in steps:
            before = pane.size()
            if step.idle:
                pane.wait_quiet()
                before = pane.size()
                time.sleep(IDLE)
                figures.append((pane.size() - before) / IDLE)
                continue
            pane.send(step.keys, literal=step.literal)
            pane.wait_for(step.wait_for)
            pane.wait_quiet()
            figures.append(float(pane.size() - before))
        mouse_motion = b"\x1b[?1003h" in record.read_bytes()
    finally:
        pane.close()
    figures.append(1.0 if mouse_motion else 0.0)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run it")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed")
        return 1
    work = Path(tempfile.mkdtemp(prefix="sevis-bytes-"))
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_DATA_HOME": str(work / "data"),
        "PATH": os.environ.get("PATH", ""),
    }
    (work / "home").mkdir()
    certs = work / "home" / "certs"
    subprocess.run(
        [args.python, "-m", "sevis_tui", "demo-certs", str(certs)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        cwd=work,
    )
    env["SEVIS_TUI_START_FOLDER"] = str(certs)

    def sevis(record: Path) -> Pane:
        # A fresh state each run: the login screen starts empty.
        shutil.rmtree(work / "state", ignore_errors=True)
        return Pane([args.python, "-m", "sevis_tui"], env, record)

    def bare(record: Path) -> Pane:
        return Pane([sys.executable, "-c", BARE_APP], env, record)

    runs = [measure(WALK, sevis, work / "sevis.out") for _ in range(args.runs)]
    bare_runs = [measure(BARE_WALK, bare, work / "bare.out") for _ in range(args.runs)]
    print(f"Bytes written to the terminal at {WIDTH}x{HEIGHT} ({args.runs} run(s); min-max)")
    print(f"{'step':44} {'bytes':>15} {'target':>8}  verdict")
    failed = 0
    for steps, results in ((WALK, runs), (BARE_WALK, bare_runs)):
        for index, step in enumerate(steps):
            values = [run[index] for run in results]
            low, high = min(values), max(values)
            shown = f"{low:,.0f}" if low == high else f"{low:,.0f}-{high:,.0f}"
            bare_step = steps is BARE_WALK
            ok = high <= step.target
            failed += 0 if ok or bare_step else 1
            verdict = "(reference)" if bare_step else ("ok" if ok else "OVER")
            print(f"{step.name:44} {shown:>15} {step.target:>8,}  {verdict}")
    motion = any(run[-1] for run in runs)
    print(f"any-motion mouse tracking (?1003h) requested: {'yes' if motion else 'no'}")
    print(f"median login paint: {statistics.median(r[0] for r in runs):,.0f} B")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed or motion else 0


if __name__ == "__main__":
    sys.exit(main())

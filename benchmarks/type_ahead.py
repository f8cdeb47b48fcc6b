"""Keys typed ahead: how often a burst of keys ends where slow typing ends (issue 21, item 2).

The app runs in tmux at 80x24 (a real terminal), each run with a fresh home, and every burst is
one `tmux send-keys` (the keys arrive at once, as over SSH):

- login at 0 s: `jsmith6544 Tab SevisDemo#2026 Enter` in the same tmux command that starts the
  app; at 0.2 s and 0.5 s: sent that long after the start. Success: the Listing of Programs.
- `Enter a Down Enter` on a ready Listing. Success: View Batch Registration of P-1-00001.
- `a Enter End y` on a ready Program Sponsor Information. Success: Upload Certificate.
- `jsmith6544.pem Enter u y` on a ready Upload Certificate. Success: the confirmation.

Run:  .venv/bin/python benchmarks/type_ahead.py [--runs N] [--source DIR]
(--source runs the app from another source tree, e.g. an older commit unpacked with git archive.)
Needs tmux. Prints, for each case, how many of the runs succeeded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

USER_ID = "jsmith6544"
PASSWORD = "SevisDemo#2026"
LOGIN = [USER_ID, "Tab", PASSWORD, "Enter"]
LISTING = ("Listing of Programs", "P-1-00003")
DEADLINE = 12.0  # seconds for a burst to reach its screen (the app answers in well under 2)


class Tmux:
    """The app in a tmux server of its own (a unique socket: runs never share a server)."""

    def __init__(self, env: dict[str, str], keys_at_start: list[str] | None = None) -> None:
        self.name = f"type-ahead-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", self.name]
        command = ["env", "-u", "COLUMNS", "-u", "LINES"]
        command += [f"{key}={value}" for key, value in env.items()]
        command += [sys.executable, "-m", "sevis_tui"]
        start = [*self.tmux, "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24"]
        start += ["-c", env["HOME"], *command]
        if keys_at_start:  # in the same tmux command: the keys arrive as the process starts
            start += [";", "send-keys", "-t", self.name, *keys_at_start]
        subprocess.run(start, check=True)

    def send(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        run = [*self.tmux, "capture-pane", "-p", "-t", self.name]
        return subprocess.run(run, capture_output=True, text=True, check=False).stdout

    def wait_for(self, *texts: str, deadline: float = DEADLINE) -> bool:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            screen = self.screen()
            if all(text in screen for text in texts):
                return True
            time.sleep(0.05)
        return False

    def settled(self, quiet: float = 0.3) -> None:
        last, since, end = self.screen(), time.monotonic(), time.monotonic() + DEADLINE
        while time.monotonic() < end and time.monotonic() - since < quiet:
            time.sleep(0.05)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()

    def step(self, keys: list[str], *texts: str) -> None:
        """A step on the way to a case's start, typed one key at a time."""
        for key in keys:
            self.send(key)
            self.settled(0.15)
        if not self.wait_for(*texts):
            raise SystemExit(f"could not reach {texts}:\n{self.screen()}")
        self.settled()

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], check=False)


def environment(folder: Path, source: str) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": str(folder / "home"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_DATA_HOME": str(folder / "data"),
        "PATH": os.environ.get("PATH", ""),
        "SEVIS_TUI_START_FOLDER": str(folder / "home" / "certs"),
    }
    if source:
        env["PYTHONPATH"] = source
    (folder / "home").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "sevis_tui", "demo-certs", str(folder / "home" / "certs")],
        env={**os.environ, **env},
        cwd=folder / "home",
        check=True,
        capture_output=True,
    )
    return env


def login_run(env: dict[str, str], delay: float) -> bool:
    if delay == 0:
        app = Tmux(env, keys_at_start=LOGIN)
    else:
        app = Tmux(env)
        time.sleep(delay)
        app.send(*LOGIN)
    try:
        return app.wait_for(*LISTING)
    finally:
        app.close()


def to_listing(app: Tmux) -> None:
    if not app.wait_for("SEVIS user ID"):
        raise SystemExit(f"no login screen:\n{app.screen()}")
    app.settled()
    app.step([USER_ID, "Tab", PASSWORD, "Enter"], *LISTING)


def to_sponsor(app: Tmux) -> None:
    to_listing(app)
    app.step(["Enter"], "Program Sponsor Information", "Batch registration")


def to_upload(app: Tmux) -> None:
    to_sponsor(app)
    app.step(["a", "Enter"], "Read to the end")
    app.step(["End"], "You have read to the end")
    app.step(["y"], "Upload Certificate", "jsmith6544.pem")


Case = tuple[str, Callable[[Tmux], None], list[str], tuple[str, ...]]
NAVIGATION: list[Case] = [
    ("Listing: Enter a Down Enter", to_listing, ["Enter", "a", "Down", "Enter"],
     ("View Batch Registration", "P-1-00001: current batch certificate")),
    ("Sponsor: a Enter End y", to_sponsor, ["a", "Enter", "End", "y"],
     ("Upload Certificate", "jsmith6544.pem")),
    ("Upload: jsmith6544.pem Enter u y", to_upload, ["jsmith6544.pem", "Enter", "u", "y"],
     ("Confirmation",)),
]  # fmt: skip


def navigation_run(env: dict[str, str], case: Case) -> bool:
    _name, prepare, burst, expected = case
    app = Tmux(env)
    try:
        prepare(app)
        app.send(*burst)
        return app.wait_for(*expected)
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--source", default="", help="run the app from this source tree")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    source = os.path.abspath(args.source) if args.source else ""
    with tempfile.TemporaryDirectory(prefix="type-ahead-") as scratch:
        count = 0

        def fresh() -> dict[str, str]:
            nonlocal count
            count += 1
            return environment(Path(scratch) / str(count), source)

        print(f"type-ahead bursts, {args.runs} runs each ({source or 'this tree'})")
        for delay in (0.0, 0.2, 0.5):
            ok = sum(login_run(fresh(), delay) for _ in range(args.runs))
            print(f"  login sent {delay:.1f} s after start: {ok}/{args.runs} reach the Listing")
        for case in NAVIGATION:
            ok = sum(navigation_run(fresh(), case) for _ in range(args.runs))
            print(f"  {case[0]}: {ok}/{args.runs} reach {case[3][0]}")


if __name__ == "__main__":
    main()

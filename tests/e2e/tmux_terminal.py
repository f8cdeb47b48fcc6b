"""A real terminal for the end-to-end tests: sevis-tui in a tmux session, keys in, screen out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID


class Terminal:
    """One tmux session of `size` running a command."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        size: tuple[int, int] = (80, 24),
        keys_at_start: tuple[str, ...] = (),
    ) -> None:
        self.name = f"sevis-{uuid.uuid4().hex[:8]}"
        # A tmux server of its own: sessions started side by side (or by anyone else on this
        # machine) must not share one server's sizes and options.
        self.tmux = ["tmux", "-L", self.name]
        environment = [f"{key}={value}" for key, value in env.items()]
        width, height = size
        # Started in HOME: `python -m` would otherwise import the package in the current folder.
        where = ["-c", env["HOME"], "-x", str(width), "-y", str(height)]
        # COLUMNS and LINES, if the caller has them, would override the window's real size.
        started = ["env", "-u", "COLUMNS", "-u", "LINES", *environment, *command]
        # Keys sent in the same tmux command: they reach the terminal as the process starts.
        sent = [";", "send-keys", "-t", self.name, *keys_at_start] if keys_at_start else []
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, *where, *started, *sent],
            check=True,
        )

    def screen(self, colours: bool = False) -> str:
        flags = ["-e"] if colours else []
        result = subprocess.run(
            [*self.tmux, "capture-pane", "-p", *flags, "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        """One tmux send-keys: the keys reach the app as one burst, as over SSH."""
        flags = ["-l"] if literal else []
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *flags, *keys], check=True)

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        """Poll the screen until the pattern shows (a terminal has no 'done' signal)."""
        return self.wait_until(
            lambda screen: re.search(pattern, screen) is not None, pattern, timeout
        )

    def wait_until(
        self, ready: Callable[[str], bool], what: str = "", timeout: float = 20.0
    ) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what or ready!r} did not happen; the screen was:\n{screen}")

    def settled(self, quiet: float = 0.4, timeout: float = 20.0) -> str:
        """The screen once it has not changed for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
        raise AssertionError(f"the screen never settled:\n{last}")

    def type_slowly(self, keys: list[tuple[str, bool]], until: str = "") -> str:
        """Each key on its own, waiting for the screen to settle after it: slow typing. Then
        wait for `until` (a step that waits for the service) and for the screen to settle."""
        for key, literal in keys:
            for part in list(key) if literal else [key]:
                self.send(part, literal=literal)
                self.settled(quiet=0.15)
        if until:
            self.wait_for(until)
        return self.settled()

    def log_in(self) -> None:
        self.wait_for(r"SEVIS user ID")
        self.send(DEMO_USER_ID, literal=True)
        self.send("Enter")
        self.send(DEMO_PASSWORD, literal=True)
        self.send("Enter")
        self.wait_for(r"P-1-00003")

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], check=False)


def terminal_environment(tmp_path: Path) -> dict[str, str]:
    """A private HOME and XDG folders, a UTF-8 locale and a 256-colour terminal."""
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "SEVIS_TUI_PRINT_FOLDER": str(tmp_path / "prints"),
        "PATH": os.environ.get("PATH", ""),
    }
    # The app runs under the tmux server, which does not inherit our environment: hand on a
    # moved system clock (libfaketime) so the app sees the time the sample files were made at.
    for name in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_RESET", "FAKETIME_NO_CACHE"):
        if name in os.environ:
            env[name] = os.environ[name]
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def demo_certificates(env: dict[str, str]) -> Path:
    """The demo certificate files in HOME/certs, written by the real command."""
    certs = Path(env["HOME"]) / "certs"
    if not certs.exists():
        subprocess.run(
            [sys.executable, "-m", "sevis_tui", "demo-certs", str(certs)],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
            cwd=env["HOME"],
        )
    return certs


def sevis(
    env: dict[str, str],
    *arguments: str,
    size: tuple[int, int] = (80, 24),
    keys_at_start: tuple[str, ...] = (),
) -> Terminal:
    return Terminal([sys.executable, "-m", "sevis_tui", *arguments], env, size, keys_at_start)

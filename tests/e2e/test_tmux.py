"""A real terminal: tmux at 80x24 runs sevis-tui and an officer's keystrokes walk the whole flow."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

CONFIRMATION = re.compile(r"SBR-\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


class Terminal:
    """One tmux session of 80x24 running a command; keys in, screen text out."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"sevis-{uuid.uuid4().hex[:8]}"
        environment = [f"{key}={value}" for key, value in env.items()]
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "80",
                "-y",
                "24",
                "env",
                *environment,
                *command,
            ],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        subprocess.run(["tmux", "send-keys", "-t", self.name, *flags, *keys], check=True)

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        """Poll the screen until the pattern shows (a terminal has no 'done' signal)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} did not appear; the screen was:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False)


def wait_for_file(folder: Path, pattern: str, timeout: float = 20.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {pattern} appeared in {folder}")


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
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
    (tmp_path / "home").mkdir()
    return env


@pytest.fixture
def terminal(terminal_env: dict[str, str], tmp_path: Path) -> Iterator[Terminal]:
    certs = tmp_path / "home" / "certs"
    subprocess.run(
        [sys.executable, "-m", "sevis_tui", "demo-certs", str(certs)],
        env={**os.environ, **terminal_env},
        check=True,
        capture_output=True,
    )
    env = {**terminal_env, "SEVIS_TUI_START_FOLDER": str(certs)}
    session = Terminal([sys.executable, "-m", "sevis_tui"], env)
    yield session
    session.close()


def test_whole_walk_in_tmux(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_for(r"SEVIS user ID")
    assert "Demo mode" in terminal.screen()
    terminal.send(DEMO_USER_ID, literal=True)
    terminal.send("Enter")
    terminal.send(DEMO_PASSWORD, literal=True)
    terminal.send("Enter")
    terminal.wait_for(r"P-1-00001")
    assert "active until" in terminal.screen()

    terminal.send("Enter")
    terminal.wait_for(r"Officials")
    terminal.send("a")
    terminal.wait_for(r"Register for Batch Processing")
    terminal.send("Enter")
    terminal.wait_for(r"Batch Processing Agreement")
    terminal.send("End")
    terminal.wait_for(r"read to the end")
    terminal.send("p")
    terminal.wait_for(r"Print the agreement")
    terminal.send("Enter")
    wait_for_file(tmp_path / "prints", "batch-agreement-P-1-00001-v*.txt")
    terminal.send("y")
    terminal.wait_for(r"Upload Certificate")
    terminal.wait_for(r"jsmith6544\.pem")
    terminal.send("jsmith6544.pem", literal=True)
    terminal.wait_for(r"1 of \d+")
    terminal.send("Enter")
    terminal.wait_for(r"passed the offline checks")
    terminal.send("u")
    terminal.wait_for(r"Register .* for batch processing")
    terminal.send("y")
    screen = terminal.wait_for(r"Confirmation number")
    found = CONFIRMATION.search(screen)
    assert found, screen
    terminal.send("s")
    terminal.wait_for(r"Save the receipt")
    terminal.send("Enter")
    # The agreement's "Saved to" notice may still be up: wait for the receipt file itself.
    receipt = wait_for_file(tmp_path / "prints", "batch-registration-*.txt").read_text()
    assert found.group(0) in receipt
    terminal.send("C-q")


def test_sixteen_colours_no_colour_and_hangup(terminal_env: dict[str, str]) -> None:
    """TERM=linux with NO_COLOR still draws the login screen and logs in; a hang-up ends it."""
    env = {**terminal_env, "TERM": "linux", "NO_COLOR": "1"}
    session = Terminal([sys.executable, "-m", "sevis_tui", "--no-mouse"], env)
    try:
        session.wait_for(r"SEVIS user ID")
        session.send(DEMO_USER_ID, literal=True)
        session.send("Enter")
        session.send(DEMO_PASSWORD, literal=True)
        session.send("Enter")
        session.wait_for(r"Listing of Programs")
        pid = subprocess.run(
            ["tmux", "display-message", "-p", "-t", session.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        # Killing the session hangs up the terminal, as a dropped SSH connection does.
        session.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.1)
        assert not Path(f"/proc/{pid}").exists(), "sevis-tui kept running after the hang-up"
    finally:
        session.close()

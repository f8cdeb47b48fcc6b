"""A real terminal: tmux at 80x24 runs sevis-tui and an officer's keystrokes walk the whole flow."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .tmux_terminal import Terminal, demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

CONFIRMATION = re.compile(r"SBR-\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


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
    return terminal_environment(tmp_path)


@pytest.fixture
def terminal(terminal_env: dict[str, str]) -> Iterator[Terminal]:
    certs = demo_certificates(terminal_env)
    session = sevis({**terminal_env, "SEVIS_TUI_START_FOLDER": str(certs)})
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
    """TERM=linux, NO_COLOR and an ASCII locale still draw the login screen and log in; a
    hang-up ends it."""
    env = {**terminal_env, "TERM": "linux", "NO_COLOR": "1", "LANG": "C"}
    session = sevis(env, "--no-mouse")
    try:
        session.wait_for(r"SEVIS user ID")
        session.send(DEMO_USER_ID, literal=True)
        session.send("Enter")
        session.send(DEMO_PASSWORD, literal=True)
        session.send("Enter")
        session.wait_for(r"Listing of Programs")
        pid = subprocess.run(
            [*session.tmux, "display-message", "-p", "-t", session.name, "#{pane_pid}"],
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

"""Keys typed ahead in a real terminal (issue 21, items 1 and 2).

The keys go in one `tmux send-keys`: at the moment the process starts (in the same tmux
command, so they wait in the terminal before the app has even set it up), or in the middle of
screen changes. Each burst must end on the screen slow typing ends on. Every test has its own
tmux server (Terminal), so they run side by side under xdist.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.settings.config import paths

from .tmux_terminal import Terminal, demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

LOGIN = (DEMO_USER_ID, "Tab", DEMO_PASSWORD, "Enter")
LISTING = "P-1-00003"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = terminal_environment(tmp_path)
    return {**env, "SEVIS_TUI_START_FOLDER": str(demo_certificates(env))}


def remember_user_id(env: dict[str, str]) -> None:
    """As after one login: the state file holds the user ID."""
    state = paths(env).state_file
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(f'last_user_id = "{DEMO_USER_ID}"\n')


def field_lines(screen: str) -> list[str]:
    """The lines inside input fields (▊ … ▎), where typed text shows."""
    return [line for line in screen.splitlines() if "▊  " in line]


def test_login_sent_with_the_command_that_starts_the_app(env: dict[str, str]) -> None:
    terminal = sevis(env, keys_at_start=LOGIN)
    try:
        # Before: "smith6544" in the user-ID field (the j lost) and the Enter lost.
        terminal.wait_for(LISTING)
        assert "Listing of Programs" in terminal.screen()
    finally:
        terminal.close()


def test_the_walk_to_the_upload_sent_at_start(env: dict[str, str]) -> None:
    # Each key waits for its screen: the login's answer, the Listing, the program, the Actions
    # menu, the agreement laid out (End reaches its end, so y accepts).
    terminal = sevis(env, keys_at_start=(*LOGIN, "Enter", "a", "Enter", "End", "y"))
    try:
        screen = terminal.wait_for(r"Upload Certificate")
        assert "jsmith6544.pem" in terminal.settled() or "jsmith6544.pem" in screen
    finally:
        terminal.close()


def ready(terminal: Terminal, *keys: str, until: str) -> None:
    """Slow typing to a case's start, then a settled screen."""
    terminal.type_slowly([(key, False) for key in keys], until=until)


def test_bursts_across_screen_changes(env: dict[str, str]) -> None:
    terminal = sevis(env)
    try:
        terminal.log_in()
        terminal.settled()
        # Before: stopped at Program Sponsor Information (a came while it was loading).
        terminal.send("Enter", "a", "Down", "Enter")
        terminal.wait_for(r"P-1-00001: current batch certificate")
        ready(terminal, "Escape", until="Batch registration")
        # Before: stopped at the agreement, 0% read (End came before it was laid out).
        terminal.send("a", "Enter", "End", "y")
        terminal.wait_for(r"Upload Certificate")
        terminal.wait_for(r"jsmith6544\.pem")
        terminal.settled()
        # Before: showed the report and never asked (u came while the file was checked).
        terminal.send("jsmith6544.pem", "Enter", "u", "y")
        terminal.wait_for(r"Confirmation")
    finally:
        terminal.close()


def test_a_key_that_cannot_be_honoured_is_explained(env: dict[str, str]) -> None:
    terminal = sevis(env)
    try:
        terminal.log_in()
        terminal.settled()
        terminal.send("Enter", "a", "Enter", "y")  # y before reading to the end
        terminal.wait_for(r"Read the agreement to the end first")
        assert "0% read" in terminal.settled()
    finally:
        terminal.close()


def test_the_habit_with_a_remembered_user_id(env: dict[str, str], tmp_path: Path) -> None:
    remember_user_id(env)
    # The keys, with the second Enter "when nothing seems to happen".
    terminal = sevis(env, keys_at_start=(*LOGIN, "Enter"))
    try:
        seen = terminal.wait_for(r"Program Sponsor Information")
        assert f"{DEMO_USER_ID} · User ID active" in seen
    finally:
        terminal.close()
    assert not any("Sevis" in line for line in field_lines(seen))
    for secret in (DEMO_PASSWORD, DEMO_PASSWORD[:10]):
        holding = [
            path
            for path in tmp_path.rglob("*")
            if path.is_file() and secret.encode() in path.read_bytes()
        ]
        assert holding == [], secret


def test_only_the_password_with_a_remembered_user_id(env: dict[str, str]) -> None:
    remember_user_id(env)
    terminal = sevis(env)
    try:
        terminal.wait_for(r"SEVIS user ID")
        terminal.settled()
        terminal.send(DEMO_PASSWORD)
        screen = terminal.wait_for(r"went to Password")
        assert not any("Sevis" in line for line in field_lines(screen)), screen
        terminal.send("Enter")
        terminal.wait_for(LISTING)
    finally:
        terminal.close()


def test_no_echo_of_the_keys_is_left_on_the_terminal(env: dict[str, str]) -> None:
    # Keys that arrive before the app sets the terminal up are echoed by the terminal itself,
    # onto the screen the officer returns to on leaving: the password too, in clear.
    # The keys follow the shell's own output, as an officer's follow the command line (sent
    # with the process start, they could be echoed above "before", the shell's echo racing
    # them, where no program can tell its lines from the shell's). `sleep 2` is a slow start:
    # the keys land in it, echoed by the terminal, and wait for the app.
    script = f"echo before; sleep 2; {sys.executable} -m sevis_tui; echo left; sleep 60"
    terminal = Terminal(["sh", "-c", script], env)
    try:
        terminal.wait_for(r"(?m)^before$")
        terminal.send(*LOGIN)
        terminal.wait_for(LISTING)
        terminal.send("C-q")
        screen = terminal.wait_for(r"^left$|\nleft\n")
        assert "before" in screen
        assert "Sevis" not in screen and DEMO_USER_ID not in screen, screen
    finally:
        terminal.close()

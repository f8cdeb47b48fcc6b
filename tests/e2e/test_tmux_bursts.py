"""Keys typed ahead over SSH: each flow's keys sent in one burst end where slow typing ends.

For each flow the keys are first typed slowly (one key at a time, the screen settled after each)
and the screen is kept; then the same keys are sent 20 times in one `tmux send-keys` each, and
every time the screen must come to exactly that same picture.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .tmux_terminal import Terminal, demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

RUNS = 20
Keys = list[tuple[str, bool]]  # (key, literal)


def same_as_slow_typing(
    terminal: Terminal, keys: Keys, undo: Callable[[], None], until: str = ""
) -> None:
    """Type `keys` slowly once, then in bursts RUNS times; `undo` returns to the start."""
    slowly = terminal.type_slowly(keys, until)
    undo()
    for run in range(RUNS):
        burst: list[str] = []
        for key, _literal in keys:
            burst.append(key)  # send-keys sends a word that is not a key name as its letters
        terminal.send(*burst)
        terminal.wait_until(lambda screen: screen == slowly, f"burst {run + 1} ends as slowly")
        undo()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = terminal_environment(tmp_path)
    certs = demo_certificates(env)
    (certs / "archive").mkdir()
    (certs / "archive" / "old-jsmith.pem").write_bytes((certs / "jsmith6544.pem").read_bytes())
    return {**env, "SEVIS_TUI_START_FOLDER": str(certs)}


def test_login_and_the_listing_filter_in_bursts(env: dict[str, str]) -> None:
    terminal = sevis(env)
    try:
        terminal.wait_for(r"SEVIS user ID")
        # The first login: the user ID field is empty and has the focus.
        first: Keys = [
            (DEMO_USER_ID, True),
            ("Tab", False),
            (DEMO_PASSWORD, True),
            ("Enter", False),
        ]
        listing = terminal.type_slowly(first, until="P-1-00003")
        assert "P-1-00003" in listing

        def log_out() -> None:
            terminal.send("Escape")
            terminal.wait_for(r"Log out of SEVIS\?")
            terminal.send("y")
            terminal.wait_for(r"SEVIS user ID")
            terminal.settled(quiet=0.1)

        log_out()
        # Back on the login screen the user ID field has the focus again, its text selected.
        same_as_slow_typing(terminal, first, log_out, until="P-1-00003")

        terminal.type_slowly(first, until="P-1-00003")

        def clear_filter() -> None:
            terminal.send("Escape")
            terminal.wait_until(lambda screen: "3 of 3 programs" in screen, "filter cleared")
            terminal.settled(quiet=0.1)

        # "studen" used to lose its s to Sort.
        same_as_slow_typing(terminal, [("studen", True)], clear_filter)
        assert "1 of 3 programs" in terminal.type_slowly([("studen", True)])
    finally:
        terminal.close()


def test_browser_filter_and_go_to_in_bursts(env: dict[str, str]) -> None:
    terminal = sevis(env)
    try:
        terminal.wait_for(r"SEVIS user ID")
        terminal.send("C-o")  # the same browser as Upload Certificate, without logging in
        terminal.wait_for(r"certificate files")
        terminal.settled()

        def clear_filter() -> None:
            terminal.send("Escape")
            terminal.wait_until(lambda screen: "Filter:" not in screen, "filter closed")
            terminal.settled(quiet=0.1)

        # "/jsm" used to filter "sm": the j moved the cursor before / opened the filter.
        same_as_slow_typing(terminal, [("/jsm", True)], clear_filter)
        assert "Filter: jsm" in terminal.type_slowly([("/jsm", True)])
        clear_filter()

        def back_up() -> None:
            terminal.send("BSpace")
            terminal.wait_until(lambda screen: "old-jsmith" not in screen, "back in certs")
            terminal.settled(quiet=0.1)

        # Ctrl+L opens the path field filled with the current folder; type on, Enter goes.
        go_to: Keys = [("C-l", False), ("archive", True), ("Enter", False)]
        same_as_slow_typing(terminal, go_to, back_up)
        assert "old-jsmith.pem" in terminal.type_slowly(go_to)
    finally:
        terminal.close()

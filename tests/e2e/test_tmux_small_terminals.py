"""Every screen on a small terminal (60x20, and 80x24), in 256 colours, 16 colours and NO_COLOR,
on the Linux console (TERM=linux) and with an ASCII locale: read as an officer would read it.

Sessions that do not depend on each other run side by side, to keep the suite quick.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .tmux_terminal import Terminal, demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SIZES = ((60, 20), (80, 24))
FONT_TABLE = Path(__file__).parent / "fixtures" / "Lat15-Fixed16.unicode.txt"


def in_parallel(*checks: Callable[[], None]) -> None:
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        for future in [pool.submit(check) for check in checks]:
            future.result()  # re-raises a check's failure


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = terminal_environment(tmp_path)
    certs = demo_certificates(env)
    return {**env, "SEVIS_TUI_START_FOLDER": str(certs)}


def own_env(env: dict[str, str], name: str, **changes: str) -> dict[str, str]:
    """`env` with its own state and data folders, so that sessions run side by side."""
    base = Path(env["XDG_STATE_HOME"]).parent / name
    return {
        **env,
        "XDG_STATE_HOME": str(base / "state"),
        "XDG_DATA_HOME": str(base / "data"),
        **changes,
    }


def key_bar(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def to_agreement(terminal: Terminal) -> None:
    terminal.log_in()
    terminal.send("Enter")
    terminal.wait_for(r"Officials")
    terminal.send("a")
    terminal.wait_for(r"Enter chooses")
    terminal.send("Enter")
    terminal.wait_for(r"% read")


# ---------------------------------------------------------------------- 3: the browser's cursor

_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def backgrounds(line: str) -> set[str]:
    """Every background colour set on a line of `capture-pane -e` output."""
    found: set[str] = set()
    for parameters in _SGR.findall(line):
        values = parameters.split(";")
        index = 0
        while index < len(values):
            value = values[index]
            if value == "48":
                width = 3 if values[index + 1] == "5" else 5
                found.add(";".join(values[index : index + width]))
                index += width
                continue
            if value.isdigit() and (40 <= int(value) <= 47 or 100 <= int(value) <= 107):
                found.add(value)
            if value in ("7",):
                found.add("reverse")
            index += 1
    return found


@pytest.mark.parametrize("size", SIZES, ids=["60x20", "80x24"])
def test_browser_cursor_row_is_visible_in_every_colour_mode(
    env: dict[str, str], size: tuple[int, int]
) -> None:
    modes = {
        "256 colours": {"TERM": "xterm-256color"},
        "16 colours": {"TERM": "xterm-16color"},
        "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    }

    def check(mode: str) -> None:
        terminal = sevis(own_env(env, mode.replace(" ", "-"), **modes[mode]), size=size)
        try:
            terminal.wait_for(r"SEVIS user ID")
            terminal.send("C-o")  # the browser of Upload Certificate, without logging in
            terminal.wait_for(r"certificate files")
            # Past the demo's three batch XML files (batch-…), to the certificates.
            terminal.send(*["Down"] * 5)
            terminal.wait_for(r"Verdict")
            screen = terminal.settled()
            marked = [line for line in screen.splitlines() if line.startswith("▶")]
            assert len(marked) == 1, f"{mode}: one row marked ▶\n{screen}"
            assert "expired.pem" in marked[0] or "jsmith6544.cer" in marked[0], marked
            if mode == "NO_COLOR":
                return  # the marker is what shows the row without colour
            lines = terminal.screen(colours=True).splitlines()
            row = next(i for i, line in enumerate(lines) if "▶" in line)
            cursor, neighbour = backgrounds(lines[row]), backgrounds(lines[row + 1])
            assert cursor and cursor != neighbour, f"{mode}: {cursor} vs {neighbour}"
        finally:
            terminal.close()

    in_parallel(*(lambda mode=mode: check(mode) for mode in modes))


# ---------------------------------------------------------------------- 4 and 5: the agreement


def test_agreement_read_to_the_end_at_60x20_and_80x24(env: dict[str, str]) -> None:
    def check(size: tuple[int, int]) -> None:
        terminal = sevis(own_env(env, f"{size[0]}x{size[1]}"), size=size)
        try:
            to_agreement(terminal)
            # Before the end, y says why it does nothing yet; the progress line is one line.
            terminal.send("y")
            screen = terminal.wait_for(r"Read the agreement to the end first")
            assert "Agreement" in screen
            progress = [line for line in screen.splitlines() if "% read" in line]
            assert len(progress) == 1 and progress[0].strip().startswith("Read to the end")
            terminal.send("End")
            screen = terminal.wait_for(r"You have read to the end")
            assert "% read" not in screen
            terminal.send("y")
            terminal.wait_for(r"Upload Certificate")
        finally:
            terminal.close()

    in_parallel(*(lambda size=size: check(size) for size in SIZES))


# ---------------------------------------------------------------------- 7: small terminals


def test_small_terminals_keep_names_keys_and_instructions(env: dict[str, str]) -> None:
    def check(size: tuple[int, int]) -> None:
        width = size[0]
        terminal = sevis(own_env(env, f"small-{width}"), size=size)
        try:
            # Wait for the whole screen: a capture can land while a frame is still being written.
            screen = terminal.wait_until(
                lambda shown: "SEVIS user ID" in shown and "Enter logs in" in shown,
                "the login screen with its instructions",
            )
            assert "Enter logs in" in screen
            terminal.log_in()
            screen = terminal.settled()
            # The names tell the two Northfield programs apart.
            names = re.findall(r"P-1-0000\d  (\S.*?)  ", screen)
            assert len(set(names)) == 3, names
            bar = key_bar(screen)
            assert len(bar) <= width and not bar.rstrip().endswith("…"), bar
            assert "Help" in bar and "Log out" in bar
            if width < 80:
                assert bar.rstrip().endswith("F1 more"), bar
            # No line of the screen is cut short with an ellipsis where a name is not.
            assert screen.count("\n") <= size[1]
            terminal.send("Enter")
            terminal.wait_for(r"Officials")
            terminal.send("a")
            screen = terminal.wait_until(
                lambda shown: (
                    "Enter chooses · Escape closes" in shown and "Unavailable items" in shown
                ),
                "the Actions menu with its unavailable items",
            )
            assert "Unavailable items" in screen, screen
            terminal.send("F1")
            terminal.wait_for(r"Help: Actions")
            terminal.send("Escape")
            terminal.wait_for(r"Enter chooses")
            terminal.send("Enter")
            screen = terminal.wait_for(r"% read")
            assert "Read to the end to accept" in screen
            assert key_bar(screen).rstrip().endswith(("F1 more", "palette")), key_bar(screen)
        finally:
            terminal.close()

    in_parallel(*(lambda size=size: check(size) for size in SIZES))


# ---------------------------------------------------------------------- 10: the Linux console


def console_font_characters() -> set[str]:
    codes = re.findall(r"U\+([0-9a-fA-F]{4,6})", FONT_TABLE.read_text())
    return {chr(int(code, 16)) for code in codes}


def walk_screens(terminal: Terminal) -> list[str]:
    """Every screen of the walk, as the terminal shows it."""
    screens = [terminal.wait_for(r"SEVIS user ID")]
    terminal.log_in()
    screens.append(terminal.settled())
    for key, shows in (
        ("F1", r"Help:"),
        ("Escape", r"P-1-00003"),
        ("Enter", r"Officials"),
        ("a", r"Enter chooses"),
        ("Enter", r"% read"),
        ("End", r"read to the end"),
        ("p", r"Print the agreement"),
        ("Escape", r"read to the end"),
        ("y", r"certificate files"),
        ("Down", r"Verdict"),
        ("/", r"Filter"),
        ("expired", r"1 of \d+ shown"),
        ("Enter", r"cannot be registered"),
        ("C-p", r"Search for commands"),  # the command palette, with its search icon
    ):
        terminal.send(key)
        terminal.wait_for(shows)
        screens.append(terminal.settled())
    return screens


def test_console_and_ascii_terminals_get_only_glyphs_they_have(env: dict[str, str]) -> None:
    font = console_font_characters()

    def check(name: str, changes: dict[str, str], allowed: Callable[[str], bool]) -> None:
        terminal = sevis(own_env(env, name, **changes))
        try:
            for screen in walk_screens(terminal):
                missing = {c for c in screen if c not in "\n" and not allowed(c)}
                assert not missing, f"{name}: {sorted(missing)} on\n{screen}"
        finally:
            terminal.close()

    in_parallel(
        lambda: check("console", {"TERM": "linux", "LANG": "C.UTF-8"}, font.__contains__),
        lambda: check("ascii", {"TERM": "xterm-256color", "LANG": "C"}, str.isascii),
    )

"""One certificate for two marked programs, in a real terminal at 80x24 (tmux), keys sent in
bursts as over SSH: mark two programs, read and accept the agreement once, choose the file
once, confirm, and reach the results table."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .tmux_terminal import demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_mark_two_programs_and_reach_the_results_table(tmp_path: Path) -> None:
    env = terminal_environment(tmp_path)
    certs = demo_certificates(env)
    terminal = sevis({**env, "SEVIS_TUI_START_FOLDER": str(certs)})
    try:
        terminal.log_in()
        terminal.send("Space", "Space")  # the first two programs, one burst
        listing = terminal.wait_for(r"2 marked")
        assert "RO  ✓" in listing and "^g Register marked" in listing
        terminal.send("C-g")
        agreement = terminal.wait_for(r"For 2 programs: P-1-00001, P-1-00002")
        assert "Batch Processing Agreement" in agreement
        terminal.send("End")
        terminal.wait_for(r"You have read to the end")
        terminal.send("y")
        terminal.wait_for(r"Upload for several programs")
        terminal.send("jsmith6544.pem", "Enter")
        terminal.wait_for(r"passed the offline checks")
        terminal.send("u")
        question = terminal.wait_for(r"for these 2 programs\?")
        assert "P-1-00001  first registration" in question
        assert "P-1-00002  first registration" in question
        terminal.send("y")
        results = terminal.wait_for(r"All 2 programs are registered")
        assert "2 of 2 registered" in results
        lines = [line for line in results.splitlines() if re.match(r" P-1-0000\d  ", line)]
        assert [line.split()[:2] for line in lines] == [
            ["P-1-00001", "registered"],
            ["P-1-00002", "registered"],
        ]
        assert all(line.split()[2].startswith("SBR-") for line in lines)
        assert "Program" in results and "Outcome" in results and "What to do" in results
        terminal.send("Enter")
        terminal.wait_for(r"Listing of Programs")
    finally:
        terminal.close()

"""Send a Batch File in a real terminal (tmux), keyboard only: the demo's batch file with one
failing record, chosen in the browser, sent with the demo .p12 and its password; the results
table shows the failed record first, and the whole of its error under the table."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sevis_tui.commands.demo_certs import DEMO_PROGRAM, P12_PASSWORD
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .tmux_terminal import demo_certificates, sevis, terminal_environment

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROW = re.compile(r"^\s*(failed|ok)\s+(demo-\d)\s+(\S+)\s*(.*)$")


def words(screen: str) -> str:
    """The screen as one line of words: what wraps at 60 columns reads as at 80."""
    return " ".join(screen.split())


def register_demo_certificate(env: dict[str, str], certs: Path) -> None:
    """The officer registered the demo certificate before (with the command, as a batch
    client's officer may): the app then sends with its .p12."""
    password = Path(env["HOME"]) / "password.txt"
    password.write_text(DEMO_PASSWORD + "\n")
    password.chmod(0o600)
    arguments = ["--user-id", DEMO_USER_ID, "--program", DEMO_PROGRAM, "--accept-agreement", "1"]
    arguments += ["--password-file", str(password), str(certs / f"{DEMO_USER_ID}.pem")]
    subprocess.run(
        [sys.executable, "-m", "sevis_tui", "register", *arguments],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        cwd=env["HOME"],
    )


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
def test_send_the_demo_batch_with_one_failing_record(tmp_path: Path, size: tuple[int, int]) -> None:
    env = terminal_environment(tmp_path)
    certs = demo_certificates(env)
    register_demo_certificate(env, certs)
    terminal = sevis({**env, "SEVIS_TUI_START_FOLDER": str(certs)}, size=size)
    try:
        terminal.log_in()
        terminal.send("Enter")  # the first program, P-1-00001
        terminal.wait_for(r"Program Sponsor Information")
        terminal.send("a")
        terminal.wait_for(rf"Actions · {DEMO_PROGRAM}")
        # Register for Batch Processing is highlighted; Send a Batch File is three below.
        terminal.send("Down", "Down", "Down", "Enter")
        terminal.wait_for(r"sevis-tui › Send a Batch File")
        terminal.wait_for(r"Choose the batch XML file")
        terminal.send("one-fails", literal=True)
        preview = terminal.wait_until(
            lambda screen: "4 records (4 CreateEV). Valid: passes" in words(screen),
            "the preview of the file",
        )
        assert f"batch-{DEMO_PROGRAM}-one-fails.xml" in preview
        terminal.send("Enter")
        terminal.wait_for(r"choose your batch client's")
        keys = terminal.wait_for(r"PKCS#12 only")
        assert f"{DEMO_USER_ID}.p12" in keys and f"{DEMO_USER_ID}.pem" not in keys
        terminal.send("Enter")  # the only PKCS#12 file, under the cursor
        terminal.wait_for(r"protected by a")
        terminal.send(P12_PASSWORD, literal=True)
        terminal.send("Enter")
        screen = terminal.wait_for(r"1 of 4 records failed", timeout=60)
        assert "4 records, 3 succeeded, 1 failed." in words(screen)
        rows = [found.groups() for line in screen.splitlines() if (found := ROW.match(line))]
        assert [(result, request) for result, request, _, _ in rows] == [
            ("failed", "demo-3"),
            ("ok", "demo-1"),
            ("ok", "demo-2"),
            ("ok", "demo-4"),
        ]
        assert rows[0][2] == "-" and rows[0][3].startswith("S1001 The program end date")
        assert all(re.fullmatch(r"N\d{10}", sevis_id) for _, _, sevis_id, _ in rows[1:])
        # The whole error of the failed record (under the cursor), however narrow the table.
        assert (
            "requestID demo-3: failed, S1001 The program end date 2027-01-10 is not after its "
            "start date 2027-06-30." in words(screen)
        )
    finally:
        terminal.close()

"""The command line is parsed, not scanned: an option's value is never taken for a command,
and only the chosen command's module is imported (start-up stays light)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sevis_tui.cli import COMMANDS, main, parse


def test_an_options_value_that_names_a_command_is_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("serve").write_text("[certificates]\nexpiry_warning_days = 45\n")
    assert main(["--config", "serve", "inspect", "--issuers", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["accepted_issuers"]
    args = parse(["--config", "serve", "inspect", "--issuers"])
    assert (args.config, args.command, args.issuers) == ("serve", "inspect", True)
    args = parse(["--server", "locate", "serve", "--port", "9000", "--demo"])
    assert (args.server, args.command, args.port, args.demo) == ("locate", "serve", 9000, True)
    assert parse(["--no-mouse"]).command is None


def test_config_is_passed_as_a_value_not_through_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chosen = tmp_path / "chosen.toml"
    chosen.write_text("[certificates]\nexpiry_warning_days = 45\n")
    assert main(["--config", str(chosen), "locate"]) == 0
    shown = capsys.readouterr().out
    assert f"config file    {chosen}\n" in shown and str(chosen) in shown.split("settings from")[1]
    assert "SEVIS_TUI_CONFIG" not in os.environ  # the process's environment is left alone
    assert main(["--config", str(tmp_path / "missing.toml"), "locate"]) == 2
    assert "missing.toml does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bogus"], "invalid choice: 'bogus'"),
        (["--server"], "argument --server: expected one argument"),
        (["inspect", "--port", "1"], "unrecognized arguments: --port"),
    ],
)
def test_usage_errors_say_what_was_wrong(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--config", "serve", "locate"], ["inspect", "--help"], []])
def test_only_the_chosen_commands_module_is_imported(argv: list[str]) -> None:
    probe = (
        "import sys\n"
        "from sevis_tui import cli\n"
        "try:\n"
        f"    cli.parse({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('sevis_tui.commands.'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    chosen = next((word for word in argv if word in COMMANDS and word != "serve"), None)
    expected = COMMANDS[chosen][0] if chosen else ""
    assert done.stdout.strip().splitlines()[-1:] == ([expected] if expected else [])

"""Layered configuration: defaults < user file < environment < command line."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import msgspec
import pytest

import sevis_tui
import sevis_tui.settings.config
from sevis_tui.cli import main
from sevis_tui.settings.config import (
    ENV_PREFIX,
    ENVIRONMENT_KEYS,
    ConfigError,
    Settings,
    State,
    StateStore,
    load_settings,
    paths,
    shipped_settings,
    write_toml_atomic,
)
from sevis_tui.settings.layers import EXPECTED, line_of, setting_types

PROJECT = Path(__file__).resolve().parents[2]


def user_config(text: str) -> Path:
    path = paths().config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def setting_paths(shape: type[msgspec.Struct], above: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every setting a Struct holds, as (table, key) paths, through nested tables."""
    found: set[tuple[str, ...]] = set()
    for name, kind in setting_types(shape).items():
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            found |= setting_paths(kind, (*above, name))
        else:
            found.add((*above, name))
    return found


def toml_paths(table: dict[str, object], above: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for name, value in table.items():
        if isinstance(value, dict) and value:
            found |= toml_paths(value, (*above, name))
        else:
            found.add((*above, name))
    return found


def comment_above(lines: list[str], number: int) -> str:
    """The comment lines right above line `number` (1-based), joined."""
    block: list[str] = []
    for line in reversed(lines[: number - 1]):
        if not line.startswith("#"):
            break
        block.append(line)
    return "\n".join(reversed(block))


def test_shipped_defaults_document_every_setting() -> None:
    text = paths().defaults_file.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Every setting has its one default in the file: the same keys, no more, no fewer.
    assert toml_paths(tomllib.loads(text)) == setting_paths(Settings)
    environment = {where: ENV_PREFIX + name for name, where in ENVIRONMENT_KEYS.items()}
    for path in setting_paths(Settings):
        number = line_of(text, path)
        assert number, f"{'.'.join(path)} is not written as a plain key in the defaults"
        comment = comment_above(lines, number)
        assert comment, f"{'.'.join(path)} has no comment explaining it"
        if path in environment:
            assert environment[path] in comment, f"the comment does not name {environment[path]}"
    settings = load_settings()
    assert settings.embedded
    assert settings.server.timeout == 15.0
    assert settings.certificates.expiry_warning_days == 30
    assert ".pem" in settings.browser.extensions


def test_no_default_in_code() -> None:
    """Only the shipped file gives defaults: no Struct field has one, bar the bookkeeping."""
    bookkeeping = {"sources", "warnings"}
    tables = [Settings, *(setting_types(Settings)[name] for name in setting_types(Settings))]
    # A dict of tables ([servers.NAME]) is written by the officer, not shipped: not a table here.
    tables = [shape for shape in tables if isinstance(shape, type)]
    for shape in tables:
        for info in msgspec.structs.fields(shape):
            assert info.required or info.name in bookkeeping, f"{shape.__name__}.{info.name}"
            # ...and each type of setting has words for the error messages.
            assert info.name in bookkeeping or shape is Settings or info.type in EXPECTED


def test_defaults_are_a_package_resource_linked_to_config() -> None:
    """importlib.resources finds sevis_tui/defaults.toml: the wheel's copy, or in a checkout
    a link to config/defaults.toml (a copy there would be a second source of defaults)."""
    link = Path(sevis_tui.__file__).with_name("defaults.toml")
    assert link.is_symlink()
    assert link.resolve() == PROJECT / "config" / "defaults.toml"
    assert str(paths().defaults_file) == str(PROJECT / "config" / "defaults.toml")


def test_defaults_found_by_importlib_resources_when_not_plain_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A package loaded from plain files skips importlib.resources (a quicker start); loaded
    otherwise (a zip, say), importlib.resources finds the same file."""
    assert sevis_tui.settings.config._package_folder() == Path(sevis_tui.__file__).parent
    monkeypatch.setattr("sevis_tui.settings.config._package_folder", lambda: None)
    assert str(paths().defaults_file) == str(PROJECT / "config" / "defaults.toml")


def test_shipped_settings_ignore_the_officers_layers() -> None:
    user_config('[server]\nurl = "https://file.example"\n')
    os.environ["SEVIS_TUI_TIMEOUT"] = "3"
    shipped = paths().defaults_file
    plain = {**tomllib.loads(shipped.read_text(encoding="utf-8")), "sources": [str(shipped)]}
    try:
        assert shipped_settings() == msgspec.convert(plain, Settings)
    finally:
        del os.environ["SEVIS_TUI_TIMEOUT"]
    given = shipped_settings({"server": {"url": "https://x.example", "timeout": 5}})
    assert (given.server.url, given.server.timeout) == ("https://x.example", 5.0)
    with pytest.raises(ConfigError, match=r"given \(server.timeout\): expected a number of secon"):
        shipped_settings({"server": {"timeout": "soon"}})


def test_precedence_file_then_environment_then_flags() -> None:
    user_config('[server]\nurl = "https://file.example"\ntimeout = 3\n')
    assert load_settings().server.url == "https://file.example"
    assert load_settings().server.timeout == 3.0
    env = {**os.environ, "SEVIS_TUI_SERVER": "https://env.example"}
    assert load_settings(env).server.url == "https://env.example"
    flags = {"server": {"url": "https://flag.example"}}
    assert load_settings(env, overrides=flags).server.url == "https://flag.example"
    # A flag left unset (None) does not hide the layer below it.
    assert load_settings(env, overrides={"server": {"url": None}}).server.url == (
        "https://env.example"
    )


def test_named_config_file_replaces_the_user_file(tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("[ui]\nmouse = false\n", encoding="utf-8")
    settings = load_settings({**os.environ, "SEVIS_TUI_CONFIG": str(other)})
    assert settings.ui.mouse is False
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({**os.environ, "SEVIS_TUI_CONFIG": str(tmp_path / "missing.toml")})


def test_invalid_toml_names_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = user_config('[server]\nurl = "x"\ntimeout = = 3\n')
    assert main(["locate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"sevis-tui: config error in {path} line 3:")
    assert err.endswith("(column 11); fix the TOML syntax there")
    assert "Traceback" not in err and "\n" not in err


def test_wrong_type_fails_with_file_line_and_key(capsys: pytest.CaptureFixture[str]) -> None:
    path = user_config('[certificates]\nexpiry_warning_days = "soon"\n')
    assert main(["locate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"sevis-tui: config error in {path} line 2: certificates.expiry_warning_days: "
        "expected a whole number of days, 0 or more, got a string 'soon'; "
        "fix the value, or remove the key to use the default"
    )


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            "[server]\ntimeout = 0\n",
            2,
            "server.timeout: expected a number of seconds above 0, got 0;",
        ),
        ("[server]\ntimeout = true\n", 2, "server.timeout: expected a number of seconds above 0"),
        ("# mine\n[ui]\nmouse = 'no'\n", 3, "ui.mouse: expected true or false, got a string 'no'"),
        ("[browser]\nextensions = ['.pem', 3]\n", 2, "browser.extensions: expected a list of str"),
        ("[certificates]\nmax_file_bytes = -1\n", 2, "expected a whole number of bytes above 0"),
        ("[certificates]\nmax_file_bytes = 1979-05-27\n", 2, "got a date or time 1979-05-27;"),
        ("server = 'https://x.example'\n", 1, "server: expected a table [server], got a string"),
        (
            "[server]\nverify_tls = false\n[ui]\nmouse = 1\n",
            4,
            "ui.mouse: expected true or false, ",
        ),
    ],
)
def test_each_bad_value_names_its_line(text: str, line: int, expected: str) -> None:
    path = user_config(text)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"config error in {path} line {line}: ") and expected in message
    assert message.endswith("; fix the value, or remove the key to use the default")


def test_a_key_not_written_plainly_is_named_without_a_line() -> None:
    path = user_config('ui.mouse = "no"\n')
    with pytest.raises(ConfigError, match=rf"^config error in {path}: ui.mouse: expected true"):
        load_settings()


def test_unknown_key_warns_and_continues(capsys: pytest.CaptureFixture[str]) -> None:
    path = user_config("[ui]\ncolour = 'blue'\n[extras]\nx = 1\n")
    assert main(["locate"]) == 0
    err = capsys.readouterr().err
    assert f"{path} line 2: unknown key ui.colour ignored" in err
    assert f"{path} line 3: unknown section [extras] ignored" in err


def test_file_that_is_not_utf8_is_one_line() -> None:
    path = paths().config_file
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[ui]\nmouse = '\xff'\n")
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 14\); save it as UTF-8"):
        load_settings()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "are missing; reinstall sevis-tui"),
        ("[server\n", "line 1: Expected ']' at the end of a table declaration (column 8); reinst"),
        ("[ui]\nmouse = true\n", "do not fit this version of sevis-tui (Object missing required"),
    ],
)
def test_broken_shipped_defaults_say_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, expected: str
) -> None:
    shipped = tmp_path / "defaults.toml"
    if content is not None:
        shipped.write_text(content, encoding="utf-8")
    monkeypatch.setattr("sevis_tui.settings.config.defaults_file", lambda: shipped)
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_settings()


def test_bad_environment_value_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["SEVIS_TUI_TIMEOUT"] = "soon"
    try:
        assert main(["locate"]) == 2
    finally:
        del os.environ["SEVIS_TUI_TIMEOUT"]
    assert capsys.readouterr().err.strip() == (
        "sevis-tui: environment variable SEVIS_TUI_TIMEOUT='soon': "
        "expected a number of seconds above 0; change it or unset it"
    )


@pytest.mark.parametrize(
    ("name", "raw", "seen"),
    [("MOUSE", "no", False), ("MOUSE", "On", True), ("TIMEOUT", "2.5", 2.5), ("SERVER", "x", "x")],
)
def test_environment_values_are_read_by_type(name: str, raw: str, seen: object) -> None:
    section, key = ENVIRONMENT_KEYS[name]
    settings = load_settings({**os.environ, ENV_PREFIX + name: raw})
    assert getattr(getattr(settings, section), key) == seen


def test_atomic_write_is_private(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.toml"
    write_toml_atomic(target, {"a": 1})
    write_toml_atomic(target, {"a": 2})
    assert tomllib.loads(target.read_text()) == {"a": 2}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["file.toml"]


def test_state_round_trip_and_unknown_content(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.toml")
    assert store.load() == State()
    state = State(last_folder="/srv/certs", last_user_id="jsmith6544")
    state.last_login["jsmith6544"] = "2026-11-28T10:00:00+00:00"
    assert store.save(state)
    assert StateStore(tmp_path / "state.toml").load() == state
    (tmp_path / "state.toml").write_text("not = [valid", encoding="utf-8")
    broken = StateStore(tmp_path / "state.toml")
    assert broken.load() == State()
    assert broken.problem and "fresh state" in broken.problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_state_folder_is_reported_once(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    store = StateStore(folder / "state" / "state.toml")
    assert not store.save(State(last_user_id="x"))
    first = store.problem
    assert first and "state will not be kept" in first
    assert not store.save(State(last_user_id="y"))
    assert store.problem == first


def test_state_folder_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    store = StateStore(blocker / "state.toml")
    assert store.save(State(last_user_id="x")) is False
    assert store.problem and "state will not be kept" in store.problem


def test_state_keeps_no_password(tmp_path: Path) -> None:
    """The state has no place for a password, and save() writes only the state's own keys."""
    assert {field.name for field in dataclasses.fields(State)} == {
        "last_folder",
        "last_user_id",
        "last_login",
    }
    store = StateStore(tmp_path / "state.toml")
    secret = "correct horse battery staple"
    state = store.load()
    state.last_user_id = "jsmith6544"
    state.last_login["jsmith6544"] = "2026-11-28T10:00:00+00:00"
    # What a careless caller might hang on the object: save() must not write it.
    state.password = secret  # type: ignore[attr-defined]
    assert store.save(state)
    text = (tmp_path / "state.toml").read_text()
    assert secret not in text
    assert set(tomllib.loads(text)) == {"last_folder", "last_user_id", "last_login"}


def test_version_and_help_run_as_a_process() -> None:
    run = [sys.executable, "-m", "sevis_tui"]
    version = subprocess.run([*run, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("sevis-tui ")
    helptext = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True)
    for command in ("inspect", "serve", "demo-certs", "locate"):
        assert command in helptext.stdout


def test_locate_prints_every_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["locate"]) == 0
    out = capsys.readouterr().out
    where = paths()
    for path in (where.config_file, where.state_file, where.data_dir):
        assert str(path) in out


def test_locate_says_where_settings_came_from(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = user_config("[server]\ntimeout = 5\n")
    monkeypatch.setenv("SEVIS_TUI_SERVER", "https://sevis.example.org")
    assert main(["--no-mouse", "locate"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "settings from" in line)
    expected = [
        str(paths().defaults_file),
        str(path),
        "$SEVIS_TUI_SERVER",
        "command line (ui.mouse)",
    ]
    assert row.split("settings from", 1)[1].strip() == " < ".join(expected)


def test_no_mouse_flag_reaches_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def fake_run_app(settings: object) -> int:
        seen.append(settings.ui.mouse)  # type: ignore[attr-defined]
        return 0

    monkeypatch.setattr("sevis_tui.tui.app.run_app", fake_run_app)
    assert main(["--no-mouse"]) == 0
    assert main([]) == 0
    assert seen == [False, True]


@pytest.mark.parametrize("command", [["locate"], ["inspect", "--issuers"]])
def test_reader_gone_is_quiet(command: list[str]) -> None:
    """`sevis-tui locate | head`: a closed pipe ends the command without a traceback."""
    reader, writer = os.pipe()
    os.close(reader)  # closed before the command writes, so its first write fails
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "sevis_tui", *command],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in finished.stderr and finished.stderr == ""
    assert finished.returncode == 1

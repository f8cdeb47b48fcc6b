"""[keys] in the config: the ids it may name are the bindings' ids, its keys are Textual's, and a
mistake is a config error with file, line and key."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key

import sevis_tui
from sevis_tui.settings.config import ConfigError, load_settings, paths
from sevis_tui.settings.key_names import BINDING_IDS, NAMED_KEYS, SYMBOL_KEYS, key_problem

PROJECT = Path(__file__).resolve().parents[2]


def declared_bindings() -> dict[str, set[str]]:
    """Each binding id a class of ours declares, with its keys: the one source of the ids (read
    from the classes' BINDINGS; settings/key_names.py and docs/keys.md copy them)."""
    found: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(sevis_tui.__path__, "sevis_tui."):
        if info.name.endswith("__main__"):
            continue  # it runs the app
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, DOMNode):
                for binding in value.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        found.setdefault(binding.id, set()).add(binding.key)
    return found


def declared_binding_ids() -> set[str]:
    return set(declared_bindings())


def user_config(text: str) -> Path:
    path = paths().config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_ids_a_config_may_name_are_the_bindings_ids() -> None:
    assert declared_binding_ids() == BINDING_IDS


def test_docs_list_every_binding_with_its_key_and_no_other() -> None:
    """docs/keys.md's table is checked against the bindings themselves, not against a copy."""
    text = (PROJECT / "docs" / "keys.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| ([^|]*?) \|", text, re.MULTILINE)
    assert len(rows) == len(dict(rows)), "an id is listed twice"
    assert {row_id: {key} for row_id, key in rows} == declared_bindings()


def test_key_names_are_textuals() -> None:
    symbols = {_character_to_key(chr(code)) for code in range(0x21, 0x7F)}
    assert {name for name in symbols if len(name) > 1} == SYMBOL_KEYS
    textual_keys = {key.value for key in Keys}
    assert textual_keys | {"space"} >= NAMED_KEYS


@pytest.mark.parametrize(
    ("keys", "accepted"),
    [
        ("f9", True),
        ("ctrl+x", True),
        ("y,enter", True),
        ("full_stop", True),
        ("A", True),
        ("", False),
        ("foo", False),
        ("ctrl+", False),
        ("cmd+a", False),
    ],
)
def test_key_strings(keys: str, accepted: bool) -> None:
    assert (key_problem("agreement.accept", keys) is None) is accepted


def test_letters_are_refused_on_lists_only() -> None:
    assert key_problem("programs.sort", "s") is not None
    assert key_problem("programs.sort", "ctrl+s") is None
    assert key_problem("sponsor.reload", "s") is None


def test_a_remap_is_read() -> None:
    user_config('[keys]\n"agreement.accept" = "f9"\nscreen.help = "f2,question_mark"\n')
    assert load_settings({**_env()}).keys == {
        "agreement.accept": "f9",
        "screen.help": "f2,question_mark",
    }


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            '"agreement.acept" = "f9"',
            "keys.agreement.acept: no key has the id agreement.acept "
            "(did you mean agreement.accept?); docs/keys.md lists them",
        ),
        ('"agreement.accept" = "f99"', "keys.agreement.accept: 'f99' is not a key"),
        ('programs.sort = "s"', "keys.programs.sort: 's' types into the list's filter there"),
        ('"agreement.accept" = 9', "keys.agreement.accept: expected a string, got 9"),
    ],
)
def test_a_mistake_names_file_line_and_key(line: str, says: str) -> None:
    path = user_config(f"[ui]\nmouse = true\n\n[keys]\n{line}\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(_env())
    message = str(raised.value)
    assert message.startswith(f"config error in {path} line 5: "), message
    assert says in message, message
    assert "\n" not in message


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_help_texts_name_keys_only_by_binding_id() -> None:
    """Help says {key:ID}, filled in from the bindings in force; every ID it names exists."""
    named: set[str] = set()
    for path in (PROJECT / "sevis_tui").rglob("*.py"):
        named |= set(re.findall(r"\{\{?key:([a-z_.]+)\}", path.read_text(encoding="utf-8")))
    assert named, "no help text names a key by its id"
    assert named <= BINDING_IDS, named - BINDING_IDS

"""Every third-party package the code imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "sevis_tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"sevis_tui"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[<>=!~\[ ;]", item, maxsplit=1)[0].lower().replace("_", "-")
        for item in project["dependencies"]
    }


def test_every_imported_package_is_declared() -> None:
    owners = packages_distributions()
    missing = {}
    for name in imported_top_levels():
        distributions = {d.lower().replace("_", "-") for d in owners.get(name, [name])}
        if not distributions & declared():
            missing[name] = sorted(distributions)
    assert missing == {}, f"imported but not in pyproject.toml dependencies: {missing}"


def test_rich_and_msgspec_are_among_them() -> None:
    assert {"rich", "msgspec"} <= imported_top_levels()
    assert {"rich", "msgspec"} <= declared()

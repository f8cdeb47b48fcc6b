"""Every third-party package the code imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Modules that only an optional extra needs, imported only when it is used: their imports are
# declared in that extra (pip install 'sevis-tui[postgres]'), not among the dependencies.
EXTRAS = {"postgres": [ROOT / "sevis_tui" / "service" / "postgres.py"]}


def imported_top_levels(paths: list[Path] | None = None) -> set[str]:
    optional = {path for modules in EXTRAS.values() for path in modules}
    if paths is None:
        paths = [p for p in (ROOT / "sevis_tui").rglob("*.py") if p not in optional]
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"sevis_tui"}


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    items = project["optional-dependencies"][extra] if extra else project["dependencies"]
    names = set()
    for item in items:
        name = re.split(r"[<>=!~\[ ;]", item, maxsplit=1)[0]
        names.add(name.lower().replace("_", "-"))
        if item[len(name) :].startswith("["):  # psycopg[binary,pool]: psycopg-binary, ...
            for part in item[len(name) + 1 : item.index("]")].split(","):
                names.add(f"{name}-{part.strip()}".lower())
    return names


def undeclared(names: set[str], allowed: set[str]) -> dict[str, list[str]]:
    owners = packages_distributions()
    missing = {}
    for name in names:
        distributions = {d.lower().replace("_", "-") for d in owners.get(name, [name])}
        if not distributions & allowed:
            missing[name] = sorted(distributions)
    return missing


def test_every_imported_package_is_declared() -> None:
    missing = undeclared(imported_top_levels(), declared())
    assert missing == {}, f"imported but not in pyproject.toml dependencies: {missing}"


def test_an_extras_modules_import_what_the_extra_declares() -> None:
    for extra, modules in EXTRAS.items():
        names = imported_top_levels(modules)
        assert names, extra  # the scan finds the driver's imports
        missing = undeclared(names, declared() | declared(extra))
        assert missing == {}, f"imported but not in the [{extra}] extra: {missing}"


def test_rich_and_msgspec_are_among_them() -> None:
    assert {"rich", "msgspec"} <= imported_top_levels()
    assert {"rich", "msgspec"} <= declared()


def test_sqlite_needs_no_postgresql_driver(tmp_path: Path) -> None:
    """With psycopg missing, the service still runs on SQLite (the driver is imported only
    for a postgresql:// database)."""
    script = (
        "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg_pool'] = None\n"
        "from sevis_tui.wiring.local_service import create_app\n"
        f"create_app({str(tmp_path / 'x.db')!r}).state.service.store.close()\n"
        "from sevis_tui.commands import serve\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env)
    assert result.returncode == 0, result.stderr.decode(errors="replace")

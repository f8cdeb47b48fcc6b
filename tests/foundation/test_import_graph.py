"""The layers are stated once, in pyproject.toml's import-linter contracts (`make lint` runs them).

These tests prove that the contracts can fail: an arrow added upward, or a module added at the
package root, breaks them. `lint-imports` itself checks the real graph.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import grimp
import pytest
from importlinter.contracts.layers import LayersContract

import sevis_tui

PACKAGE = Path(sevis_tui.__file__).parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"
ROOT_MODULES = {"__init__.py", "__main__.py", "cli.py"}


def layer_contracts() -> list[LayersContract]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    # import-linter reads the options as its config file gives them: lists, or else strings
    return [
        LayersContract(
            name=options["name"],
            session_options={"root_packages": ["sevis_tui"]},
            contract_options={k: v if isinstance(v, list) else str(v) for k, v in options.items()},
        )
        for options in config["contracts"]
        if options["type"] == "layers"
    ]


@cache
def real_graph() -> grimp.ImportGraph:
    return grimp.build_graph("sevis_tui", exclude_type_checking_imports=True)


def broken(graph: grimp.ImportGraph) -> list[str]:
    return [c.name for c in layer_contracts() if not c.check(graph, verbose=False).kept]


def test_the_package_root_holds_only_the_entry_points() -> None:
    modules = {path.name for path in PACKAGE.glob("*.py")}
    assert modules == ROOT_MODULES, "file these in a package: " + ", ".join(modules - ROOT_MODULES)


def test_the_layers_hold_on_the_real_graph() -> None:
    assert len(layer_contracts()) == 2
    assert broken(real_graph()) == []


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("sevis_tui.cert.model", "sevis_tui.settings.config"),  # the engine reading the config
        ("sevis_tui.service.app", "sevis_tui.api.client"),  # siblings: never each other
        ("sevis_tui.contract.models", "sevis_tui.text.formats"),
        ("sevis_tui.tui.widgets.certificate_chooser", "sevis_tui.tui.dialogs.p12_password"),
        ("sevis_tui.tui.palette", "sevis_tui.tui.screens.outcomes"),
        ("sevis_tui.tui.screens.login", "sevis_tui.tui.flow"),
    ],
)
def test_an_arrow_back_up_breaks_a_contract(importer: str, imported: str) -> None:
    graph = real_graph()
    assert not graph.direct_import_exists(importer=importer, imported=imported)
    graph.add_import(importer=importer, imported=imported)
    try:
        assert broken(graph) != []
    finally:
        graph.remove_import(importer=importer, imported=imported)


def test_a_module_added_at_the_root_breaks_the_layers() -> None:
    graph = real_graph()
    graph.add_module("sevis_tui.stray")
    try:
        assert broken(graph) == ["The layers of sevis_tui, top to bottom"]
    finally:
        graph.remove_module("sevis_tui.stray")

"""The app's side imports in one direction: app -> flow -> screens -> widgets -> folders, cert, api.

Read from the source, every import statement counts (also the ones inside functions and under
TYPE_CHECKING), so that a screen can never reach back to the app or the flow, even lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sevis_tui

PACKAGE = Path(sevis_tui.__file__).parent
UI = ("sevis_tui.tui.app", "sevis_tui.tui.flow", "sevis_tui.tui.screens", "sevis_tui.tui.widgets")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named.add(node.module)
                named.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {other for other in named if other in modules and other != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in graph[node]:
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in order:
            visit(node)
    return found


def test_no_import_circle_through_the_app_side() -> None:
    circles = [group for group in cycles(import_graph()) if any(m.startswith(UI) for m in group)]
    assert circles == []


def test_screens_and_widgets_never_import_the_app_or_the_flow() -> None:
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith(("sevis_tui.tui.screens", "sevis_tui.tui.widgets", "sevis_tui.folders")):
            assert not imported & {"sevis_tui.tui.app", "sevis_tui.tui.flow"}, name


def test_the_check_sees_a_circle() -> None:
    """Proof that the search can fail: a made-up circle of three is found."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

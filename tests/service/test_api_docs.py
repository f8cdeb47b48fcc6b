"""docs/api.md documents every endpoint and every error code the service can answer, with
its status, meaning and remedy; error replies point there, never to a file not in the project."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount, Route

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def raised_codes() -> set[tuple[int, str]]:
    """(status, code) of every ApiError the service's source builds."""
    found = set()
    for path in (ROOT / "sevis_tui" / "service").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ApiError":
                status, code = node.args[0], node.args[1]
                if isinstance(status, ast.Constant) and isinstance(code, ast.Constant):
                    found.add((int(status.value), str(code.value)))
    return found


def documented_codes() -> dict[str, tuple[str, str, str]]:
    rows = re.findall(r"^\| (\d{3}|any) \| `([a-z_]+)` \| (.+?) \| (.+?) \|$", DOCS, re.M)
    return {code: (status, meaning, remedy) for status, code, meaning, remedy in rows}


def test_every_error_code_is_documented_with_status_meaning_and_remedy() -> None:
    codes = raised_codes()
    assert len(codes) >= 20  # the scan finds them (it is not looking at nothing)
    documented = documented_codes()
    for status, code in codes:
        assert code in documented, f"{code} is not in docs/api.md"
        doc_status, meaning, remedy = documented[code]
        assert doc_status == str(status), f"{code}: {status} in the code, {doc_status} in docs"
        assert len(meaning) > 20 and len(remedy) > 10
    assert {"internal_error", "http_error"} <= set(documented)


def test_every_endpoint_is_documented(app: Starlette) -> None:
    (api,) = app.routes  # one Mount: every path is under /api/v1
    assert isinstance(api, Mount) and api.path == "/api/v1"
    routes = [route for route in api.routes if isinstance(route, Route)]
    assert len(routes) == 10
    for route in routes:
        path = route.path
        for method in route.methods or ():
            if method != "HEAD":
                assert f"`{method} {path}`" in DOCS, f"{method} {path} is not in docs/api.md"
    for heading in ("## Errors", "## Idempotency", "## Limits", '{"error": {"code"'):
        assert heading in DOCS


def test_replies_and_code_cite_only_docs_in_the_project() -> None:
    for path in (ROOT / "sevis_tui").rglob("*.py"):
        assert "DESIGN.md" not in path.read_text(encoding="utf-8"), path
    for cited in set(re.findall(r"docs/[\w./-]+\.md", _service_source())):
        assert (ROOT / cited).is_file(), cited


async def test_error_replies_point_to_docs_api_md(api: httpx.AsyncClient) -> None:
    for response in (
        await api.get("nothing/here"),
        await api.put("session"),
        await api.get("programs"),
        await api.post("session", content=b'{"user_id": 1, "password": "x"}'),
        await api.post("session", content=b"[]"),
        await api.post("session", content=b"{" * 9000),
    ):
        assert "docs/api.md" in response.json()["error"]["remedy"], response.text


def _service_source() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "sevis_tui").rglob("*.py"))

"""docs/api.md documents every endpoint and every error code the service can answer, with
its status, meaning and remedy; error replies point there, never to a file not in the project."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from sevis_tui import contract

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
    assert len(routes) == 12
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


# Each endpoint's success answer as docs/api.md shows it, and the contract type sent.
ANSWERS = {
    "GET /health": contract.Health,
    "POST /session": contract.LoginResult,
    "GET /programs": contract.ProgramSummary,  # a list of them
    "GET /programs/{number}": contract.ProgramDetail,
    "GET /batch/agreement": contract.Agreement,
    "POST /programs/{number}/batch/acceptance": contract.Acceptance,
    "POST /programs/{number}/batch/certificate": contract.Confirmation,
    "GET /programs/{number}/batch": contract.BatchStatus,
    "GET /trust": contract.Trust,
    "GET /batch/registrations?sha256=HEX": contract.CertificatePrograms,
}
Shape = list[tuple[str, "Shape"]]


def documented_shape(endpoint: str) -> Shape:
    """The field names of an endpoint's success answer in docs/api.md, in order, with those
    of the objects written out inside it."""
    row = re.search(rf"^\| `{re.escape(endpoint)}` \|.*\| (\d{{3}}) [^`]*`(.+?)`", DOCS, re.M)
    assert row, f"{endpoint} has no success answer in docs/api.md"
    tokens = re.findall(r'"(\w+)"(?:: "[^"]*")?|([{}])', row.group(2))
    stack: list[Shape] = [[]]
    for name, brace in tokens:
        if name:
            stack[-1].append((name, []))
        elif brace == "{" and stack[-1]:
            stack.append(stack[-1][-1][1])  # the fields of the last name's object
        elif brace == "}" and len(stack) > 1:
            stack.pop()
    return stack[0]


def contract_shape(kind: Any, documented: Shape) -> Shape:
    """The contract type's fields in wire order, as deep as the documentation goes."""
    fields = {field.name: field.type for field in msgspec.structs.fields(kind)}
    shape: Shape = []
    for name in fields:
        inner = dict(documented).get(name, [])
        shape.append((name, contract_shape(_struct(fields[name]), inner) if inner else []))
    return shape


def _struct(kind: Any) -> Any:
    while not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
        kind = next(a for a in kind.__args__ if a is not type(None))  # X | None, tuple[X, ...]
    return kind


@pytest.mark.parametrize("endpoint", sorted(ANSWERS))
def test_documented_answers_are_the_contract_types_in_wire_order(endpoint: str) -> None:
    documented = documented_shape(endpoint)
    assert documented, endpoint
    assert contract_shape(ANSWERS[endpoint], documented) == documented


def test_the_documented_error_shape_is_the_contracts() -> None:
    example = re.search(r"## Errors.*?```json\n(.+?)```", DOCS, re.S)
    assert example, "docs/api.md shows no error answer"
    reply = contract.decode(example.group(1).encode(), contract.ErrorReply)
    # The contract reads the example and writes it back the same, field for field, in order.
    written = json.loads(contract.encode(reply))
    shown = json.loads(example.group(1))
    assert written == shown and list(written["error"]) == list(shown["error"])
    detail = [field.name for field in msgspec.structs.fields(contract.ErrorDetail)]
    assert detail[:3] == ["code", "message", "remedy"]
    for extra in detail[3:]:  # each code-specific field is documented
        assert f"`{extra}`" in DOCS.split("## Errors", 1)[1], extra


def _service_source() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (ROOT / "sevis_tui").rglob("*.py"))

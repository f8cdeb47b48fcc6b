"""The OpenAPI document: made from contract/, served at /api/v1/openapi.json, kept in
docs/openapi.json, and fuzzed with schemathesis against a live `serve` on each engine: no 500,
every answer conforms to the document, every error in the one error shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.service.openapi import openapi_document, rendered

from .support import start_serve

ROOT = Path(__file__).resolve().parents[2]
# Each operation gets at most this many generated cases per phase: a few hundred in all.
EXAMPLES = 10


def test_docs_openapi_json_is_the_generated_document() -> None:
    kept = (ROOT / "docs" / "openapi.json").read_bytes()
    assert kept == rendered(), (
        "docs/openapi.json is out of date: python -m sevis_tui.service.openapi docs/openapi.json"
    )


async def test_the_service_serves_it(http: httpx.AsyncClient) -> None:
    answer = await http.get("openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == openapi_document()


def test_every_route_is_in_the_document_and_nothing_else(app: Starlette) -> None:
    (api,) = app.routes
    assert isinstance(api, Mount)
    served = {
        (method.lower(), route.path)
        for route in api.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    paths = openapi_document()["paths"]
    described = {(method, path) for path, item in paths.items() for method in item}
    assert described == served


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_schemathesis_finds_nothing_against_a_live_serve(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        location = cluster.url(cluster.create_database())
    else:
        location = str(tmp_path / "fuzz.db")
    instance = start_serve(location, tmp_path / "serve.log")
    try:
        login = {"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD}
        token = httpx.post(instance.url + "session", json=login, timeout=30).json()["token"]
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                instance.url + "openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance,response_headers_conformance",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                "24",
                # Logging out would end the fuzzer's own session.
                "--exclude-method",
                "DELETE",
                "--workers",
                "1",
                "--request-timeout",
                "30",
                "--report",
                "json",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=240,
            cwd=tmp_path,
        )
    finally:
        instance.process.terminate()
        instance.process.wait(30)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Test cases:" in result.stdout
    server_log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-4000:]
    report = json.loads(next((tmp_path / "report").glob("*.json")).read_text())
    assert report

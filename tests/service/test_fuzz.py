"""Arbitrary bodies never produce a 500: every answer is a documented status in the one shape."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def run(app: Starlette, method: str, path: str, **options: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1/") as http:
            return await http.request(method, path, **options)

    return asyncio.run(send())


@pytest.fixture
def token(app: Starlette) -> dict[str, str]:
    answer = run(
        app, "POST", "session", json={"user_id": "jsmith6544", "password": "SevisDemo#2026"}
    )
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    run(app, "POST", "programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=headers)
    return headers


def shaped(response: httpx.Response) -> bool:
    if response.status_code < 400:
        return True
    error = response.json()["error"]
    return all(isinstance(error[key], str) and error[key] for key in ("code", "message", "remedy"))


@FUZZ
@given(body=JSON)
def test_any_json_to_the_acceptance(app: Starlette, token: dict[str, str], body: Any) -> None:
    response = run(
        app,
        "POST",
        "programs/P-1-00001/batch/acceptance",
        content=json.dumps(body).encode(),
        headers=token,
    )
    assert response.status_code in {201, 400, 409} and shaped(response)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_any_bytes_as_a_certificate(app: Starlette, token: dict[str, str], data: bytes) -> None:
    response = run(
        app,
        "POST",
        "programs/P-1-00001/batch/certificate",
        content=data,
        headers={**token, "Idempotency-Key": data.hex()[:200] or "empty"},
    )
    assert response.status_code in {201, 409, 422} and shaped(response)


@FUZZ
@given(user_id=st.text(max_size=80), password=JSON)
def test_any_login_body_shape(app: Starlette, user_id: str, password: Any) -> None:
    if isinstance(password, str):
        password = None  # a real password check costs 60 ms; the shapes are what we test here
    body = json.dumps({"user_id": user_id, "password": password}).encode()
    response = run(app, "POST", "session", content=body)
    assert response.status_code == 400 and shaped(response)

"""The client's error mapping, retries and URL rules, against small real servers."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from sevis_tui.api import errors
from sevis_tui.api.client import SevisClient, api_base_url
from sevis_tui.api.remote import open_remote_client
from sevis_tui.settings.config import shipped_settings

Reply = tuple[int, bytes]


class ScriptedServer:
    """A real ASGI app that answers from a script and records what it was sent."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append({"method": scope["method"], "path": scope["path"], "headers": headers})
        status, payload = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": payload})

    def client(self, retries: int = 2) -> SevisClient:
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self), base_url="http://scripted/api/v1/"
        )
        return SevisClient(http, retries=retries, backoff=0.0)


def shaped(code: str, **extra: Any) -> bytes:
    return json.dumps({"error": {"code": code, "message": "m", "remedy": "r", **extra}}).encode()


PROGRAM = {
    "number": "P-1-00001",
    "name": "N",
    "city": "C",
    "state": "MN",
    "status": "PROGRAM ACTIVE",
    "role": "RO",
    "batch": {"registered": False, "expires": None, "subject": None},
}


async def test_idempotent_calls_are_retried_after_503() -> None:
    server = ScriptedServer((503, b""), (503, b""), (200, json.dumps([PROGRAM]).encode()))
    async with server.client() as client:
        programs = await client.programs()
    assert [item.number for item in programs] == ["P-1-00001"]
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("body", "where"),
    [({"programs": [PROGRAM]}, "programs "), ([PROGRAM, {"number": 7}], "programs[1]")],
)
async def test_a_malformed_list_of_programs_is_malformed_response(body: Any, where: str) -> None:
    server = ScriptedServer((200, json.dumps(body).encode()))
    async with server.client() as client:
        with pytest.raises(errors.MalformedResponse) as caught:
            await client.programs()
    assert caught.value.status == 200 and where in caught.value.message


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.login("jsmith6544", "password-here"),
        lambda c: c.accept_agreement("P-1-00001", 1),
    ],
)
async def test_non_idempotent_calls_are_not_retried(call: Callable[[SevisClient], Any]) -> None:
    server = ScriptedServer((503, shaped("store_unavailable")))
    async with server.client() as client:
        with pytest.raises(errors.ServiceUnavailable):
            await call(client)
    assert len(server.requests) == 1


async def test_uploads_are_retried_with_the_same_idempotency_key() -> None:
    server = ScriptedServer((502, b"bad gateway"), (503, b""), (503, b""))
    async with server.client() as client:
        with pytest.raises(errors.ServiceUnavailable):
            await client.upload_certificate("P-1-00001", b"cert", "a.pem", "key-1")
    assert len(server.requests) == 3
    assert {r["headers"]["idempotency-key"] for r in server.requests} == {"key-1"}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ((200, b"<html>not json</html>"), errors.MalformedResponse),
        ((200, b'{"number": "P-1-00001"}'), errors.MalformedResponse),
        (
            (200, b'{"version": "one", "title": "t", "text": "x", "effective": "2026-01-01"}'),
            errors.MalformedResponse,
        ),
        ((500, b"<html>Internal Server Error</html>"), errors.ServiceUnavailable),
        ((418, b""), errors.MalformedResponse),
        ((401, shaped("session_expired")), errors.SessionExpired),
        ((404, shaped("unknown_program")), errors.ProgramNotFound),
        ((409, shaped("stale_agreement", current_version=2)), errors.StaleAgreement),
        ((409, shaped("something_new")), errors.SevisError),
        ((503, shaped("store_unavailable")), errors.ServiceUnavailable),
    ],
)
async def test_answers_map_to_the_error_family(reply: Reply, expected: type[Exception]) -> None:
    server = ScriptedServer(reply)
    async with server.client(retries=0) as client:
        with pytest.raises(expected) as caught:
            await client.agreement()
    error = caught.value
    assert isinstance(error, errors.SevisError)
    assert error.message and error.status == reply[0]
    if reply[1].startswith(b'{"error"'):
        assert error.code == json.loads(reply[1])["error"]["code"]


async def test_rejections_carry_findings() -> None:
    finding = {"code": "expired", "severity": "error", "message": "m", "remedy": "r"}
    body = json.dumps(
        {
            "error": {"code": "certificate_rejected", "message": "m", "remedy": "r"},
            "findings": [finding],
        }
    ).encode()
    server = ScriptedServer((422, body))
    async with server.client() as client:
        with pytest.raises(errors.CertificateRejected) as caught:
            await client.upload_certificate("P-1-00001", b"x", "a.pem", "k")
    assert [f.code for f in caught.value.findings] == ["expired"]
    assert caught.value.findings[0].severity == "error"


async def test_session_expiry_forgets_the_token() -> None:
    login = {
        "token": "t0k3n",
        "user": {"user_id": "u", "name": "n", "last_login": None, "inactive_on": "2027-01-01"},
    }
    server = ScriptedServer((200, json.dumps(login).encode()), (401, shaped("session_expired")))
    async with server.client() as client:
        await client.login("u", "password-here")
        assert client.token == "t0k3n"
        with pytest.raises(errors.SessionExpired):
            await client.programs()
        assert server.requests[1]["headers"]["authorization"] == "Bearer t0k3n"
        assert client.token is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_refused_connection_is_connection_failed() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    http = httpx.AsyncClient(base_url=api_base_url(url), timeout=2)
    async with SevisClient(http, backoff=0.0) as client:
        with pytest.raises(errors.ConnectionFailed) as caught:
            await client.programs()
    assert caught.value.status is None and "127.0.0.1" in caught.value.message


async def test_a_silent_server_times_out_and_only_idempotent_calls_retry() -> None:
    connections = 0
    hold = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await hold.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        http = httpx.AsyncClient(base_url=api_base_url(f"http://127.0.0.1:{port}"), timeout=0.2)
        async with SevisClient(http, retries=1, backoff=0.0) as client:
            with pytest.raises(errors.ServiceTimeout):
                await client.login("jsmith6544", "password-here")
            assert connections == 1
            with pytest.raises(errors.ServiceTimeout):
                await client.trust()
            assert connections == 3
    finally:
        hold.set()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://sevis.example.edu", "https://sevis.example.edu/api/v1/"),
        ("https://sevis.example.edu/", "https://sevis.example.edu/api/v1/"),
        ("https://sevis.example.edu/api/v1", "https://sevis.example.edu/api/v1/"),
        ("https://h.example/prefix/", "https://h.example/prefix/api/v1/"),
        ("http://localhost:8470", "http://localhost:8470/api/v1/"),
        ("http://127.0.0.1:8470/", "http://127.0.0.1:8470/api/v1/"),
        ("http://[::1]:8470", "http://[::1]:8470/api/v1/"),
    ],
)
def test_base_urls(url: str, base: str) -> None:
    assert api_base_url(url) == base


@pytest.mark.parametrize(
    "url", ["http://sevis.example.edu", "http://10.0.0.5:8470", "ftp://x.example", "sevis", ""]
)
async def test_plain_http_is_refused_except_loopback(url: str) -> None:
    with pytest.raises(errors.InsecureServerURL) as caught:
        await open_remote_client(shipped_settings({"server": {"url": url or "x"}}))
    assert caught.value.remedy


async def test_a_missing_ca_bundle_is_a_tls_error() -> None:
    settings = shipped_settings(
        {"server": {"url": "https://x.example", "ca_bundle": "/nonexistent.pem"}}
    )
    with pytest.raises(errors.TLSFailure):
        await open_remote_client(settings)


def test_error_classes_for_codes() -> None:
    assert errors.error_class("account_locked", 423) is errors.AccountLocked
    assert errors.error_class("account_inactive", 403) is errors.AccountInactive
    assert errors.error_class("not_an_official", 403) is errors.NotAnOfficial
    assert errors.error_class("whatever", 502) is errors.ServiceUnavailable
    assert errors.error_class("whatever", 400) is errors.InvalidRequest
    assert errors.AccountLocked("m").code == "account_locked"

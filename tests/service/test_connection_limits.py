"""Issue 21: a stranger cannot hold the registration API or the batch door open. Over real
loopback sockets (TLS for the batch door, no client certificate): half a request is cut off
after the read deadline, a stalled body too, and one address holds at most its share of
connections. The deadlines are injected (0.2 s); nothing sleeps longer than a poll."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from sevis_tui.cert import factory
from sevis_tui.service.batch.app import create_batch_app
from sevis_tui.service.batch.listener import BatchListener, demo_server_identity, server_context
from sevis_tui.service.connection_limits import ConnectionLimits

from .background import BackgroundServer

QUICK = ConnectionLimits(read_timeout=0.2, per_client=3)
HEALTH = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
CHECK = b"GET /sevisbatch/action/check?orgid=P-1-00001&userid=u HTTP/1.1\r\nHost: x\r\n\r\n"

Connect = Callable[[], socket.socket]


def closed_within(connection: socket.socket, seconds: float) -> float:
    """How long until the server closed `connection` (it sends nothing first); fails after
    `seconds`."""
    started = time.monotonic()
    connection.settimeout(seconds)
    try:
        data = connection.recv(4096)
    except (ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
        data = b""
    except TimeoutError:
        pytest.fail(f"the server kept a stalled connection open for {seconds} s")
    assert data == b"", data[:200]
    return time.monotonic() - started


def answered(connection: socket.socket, request: bytes) -> bytes:
    """Send `request` and read its whole response (head, then Content-Length bytes)."""
    connection.settimeout(10)
    connection.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, f"closed before a response: {data[:200]!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), head[:200]
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return head


@pytest.fixture
def api(app: Starlette) -> Iterator[Connect]:
    with BackgroundServer(app, limits=QUICK) as server:
        yield lambda: socket.create_connection((server.host, server.port), timeout=10)


@pytest.fixture
def batch(database: Path, clock: Any, issuer: factory.Issued) -> Iterator[Connect]:
    app = create_batch_app(database, clock=clock, busy_timeout=2)
    context = server_context([issuer.certificate], identity=demo_server_identity(issuer, clock.now))
    client = ssl.create_default_context(cadata=factory.pem(issuer.certificate).decode())
    with BatchListener(app, context, limits=QUICK) as running:

        def connect() -> socket.socket:
            raw = socket.create_connection((running.host, running.port), timeout=10)
            return client.wrap_socket(raw, server_hostname="127.0.0.1")

        yield connect


@pytest.fixture(params=["api", "batch"])
def door(request: pytest.FixtureRequest) -> tuple[Connect, bytes]:
    """Each door with a request it answers (the batch door: a refusal, no certificate)."""
    connect: Connect = request.getfixturevalue(request.param)
    return connect, HEALTH if request.param == "api" else CHECK


def test_half_a_request_line_is_cut_off_after_the_read_deadline(
    door: tuple[Connect, bytes],
) -> None:
    connect, _ = door
    with connect() as connection:
        connection.sendall(b"GET /sevisbatch/act")
        assert closed_within(connection, 10) < 5


def test_a_connection_that_sends_nothing_is_cut_off_too(door: tuple[Connect, bytes]) -> None:
    connect, _ = door
    with connect() as connection:
        assert closed_within(connection, 10) < 5


def test_a_stalled_body_is_cut_off(door: tuple[Connect, bytes]) -> None:
    connect, _ = door
    with connect() as connection:
        connection.sendall(
            b"POST /sevisbatch/action/batchUpload HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n--b\r\n"
        )
        elapsed = closed_within_or_answered(connection, 10)
        assert elapsed < 5


def closed_within_or_answered(connection: socket.socket, seconds: float) -> float:
    """A stalled body: the server closes, or answers a refusal and then closes."""
    started = time.monotonic()
    connection.settimeout(seconds)
    with contextlib.suppress(ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError):
        while connection.recv(65536):
            pass
    return time.monotonic() - started


def test_a_served_connection_stays_usable_and_then_idles_out(
    door: tuple[Connect, bytes],
) -> None:
    connect, request = door
    with connect() as connection:
        answered(connection, request)
        answered(connection, request)  # keep-alive: the same connection, a second request
        assert closed_within(connection, 10) < 5


def test_one_address_holds_at_most_its_share_of_connections(
    door: tuple[Connect, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    connect, request = door
    held = [connect() for _ in range(QUICK.per_client)]
    try:
        for connection in held:
            answered(connection, request)  # each one counted by the server
        with connect() as extra:
            with contextlib.suppress(OSError):
                extra.sendall(request)
            assert closed_within(extra, 10) < 5
        held.pop().close()
        _eventually(lambda: _served(connect, request))
    finally:
        for connection in held:
            connection.close()


def _served(connect: Connect, request: bytes) -> bool:
    with connect() as connection, contextlib.suppress(OSError, AssertionError):
        return answered(connection, request).startswith(b"HTTP/1.1 ")
    return False


def _eventually(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll (the server notices a closed connection a moment after the client closes it)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the freed connection was never counted back"
        time.sleep(0.02)


def test_serve_runs_with_the_limits_it_is_given(isolated_home: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sevis_tui", "serve", "--port", str(port)]
    command += ["--db", str(isolated_home / "s.db"), "--read-timeout", "0.2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _eventually(lambda: _listening(port, process), seconds=60)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(b"GET /api/v1/hea")
            assert closed_within(connection, 10) < 5
    finally:
        process.kill()
        process.wait(timeout=30)


def _listening(port: int, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, "serve ended"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["--read-timeout", "0"], "--read-timeout 0.0: give more than 0"),
        (["--max-connections-per-client", "0"], "--max-connections-per-client 0: give 1"),
    ],
)
def test_serve_refuses_limits_that_cannot_work(
    words: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sevis_tui.cli import main

    assert main(["serve", *words]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_the_deadline_is_for_reading_a_request_not_for_answering_it() -> None:
    """An answer that takes longer than the read deadline (a busy database) still arrives."""
    import asyncio

    from starlette.responses import PlainTextResponse

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(QUICK.read_timeout * 3)
        await PlainTextResponse("done")(scope, receive, send)

    with (
        BackgroundServer(slow, limits=QUICK) as server,
        socket.create_connection((server.host, server.port), timeout=10) as connection,
    ):
        assert answered(connection, HEALTH).startswith(b"HTTP/1.1 200")

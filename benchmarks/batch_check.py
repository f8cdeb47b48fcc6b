"""The batch access check: TLS handshake (mutual, RSA-2048 client key) plus authorization.

Starts the batch listener (uvicorn in a thread, as the demo does) on 127.0.0.1 over a fresh
demo database with one registered certificate, then runs N checks one after the other, each
on a NEW connection (TCP + TLS handshake with the client certificate + GET check + the reply
read and parsed), and N more on one kept-alive connection (authorization alone). Prints
p50/p95/max for both and the handshake's share. The listener's thread shares this process's
interpreter with the client, as in the embedded demo.

    .venv/bin/python benchmarks/batch_check.py [--checks 200]

Exits 1 if any check is not accepted (not for speed: there is no target; on a shared machine
the figures are noisy, so run it three times and give the range).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

# As the batch client does: no Nagle delay between a request's segments.
NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def client(context: ssl.SSLContext) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(verify=context, socket_options=NODELAY)
    return httpx.AsyncClient(transport=transport)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<34} p50 {percentile(ms, 0.5):6.2f} ms   p95 {percentile(ms, 0.95):6.2f} ms"
        f"   max {max(ms):6.2f} ms   mean {statistics.fmean(ms):6.2f} ms"
    )


async def main(checks: int) -> int:
    from sevis_tui.api.batch_client import BatchIdentity, client_context, parse_reply
    from sevis_tui.cert import factory
    from sevis_tui.service.batch.app import create_batch_app
    from sevis_tui.service.batch.listener import BatchListener, demo_server_identity, server_context
    from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
    from sevis_tui.wiring.local_service import create_app, ensure_demo_issuer

    database = Path(os.environ["XDG_DATA_HOME"]) / "sevis.db"
    registration = create_app(database, demo=True)
    issuer = ensure_demo_issuer()
    person = factory.make_personal(
        issuer, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    )
    transport = httpx.ASGITransport(app=registration)
    async with httpx.AsyncClient(transport=transport, base_url="http://x/api/v1/") as api:
        login = await api.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        await api.post("programs/P-1-00001/batch/acceptance", json={"version": 1}, headers=auth)
        answer = await api.post(
            "programs/P-1-00001/batch/certificate",
            content=factory.pem(person.certificate),
            headers={**auth, "Idempotency-Key": "bench"},
        )
        assert answer.status_code == 201, answer.text

    context = server_context(
        [issuer.certificate], identity=demo_server_identity(issuer, dt.datetime.now(dt.UTC))
    )
    ca = factory.pem(issuer.certificate).decode()
    client_tls = client_context(BatchIdentity(person.key, person.certificate), ca_pem=ca)
    params = {"orgid": "P-1-00001", "userid": DEMO_USER_ID}
    failures = 0
    with BatchListener(create_batch_app(database), context) as listener:
        path = listener.url + "/sevisbatch/action/check"

        async def one(client: httpx.AsyncClient) -> float:
            nonlocal failures
            start = time.perf_counter()
            response = await client.get(path, params=params)
            reply = parse_reply(response.content, response.status_code)
            elapsed = time.perf_counter() - start
            failures += not reply.accepted
            return elapsed

        # Warm up (imports, first connection), not timed.
        async with client(client_tls) as warm:
            await one(warm)
        fresh: list[float] = []
        for _ in range(checks):
            async with client(client_tls) as http:
                fresh.append(await one(http))
        kept: list[float] = []
        async with client(client_tls) as http:
            await one(http)
            for _ in range(checks):
                kept.append(await one(http))
    version = ssl.OPENSSL_VERSION
    python = sys.version.split()[0]
    print(f"batch check over loopback, {checks} checks each ({version}, Python {python})")
    print(line("new connection (handshake + check)", fresh))
    print(line("kept-alive connection (check only)", kept))
    share = 1 - statistics.median(kept) / statistics.median(fresh)
    print(f"handshake share of a check (medians): {share:.0%}")
    if failures:
        print(f"FAILED: {failures} checks were not accepted")
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checks", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sevis-bench-") as folder:
        for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            os.environ[name] = os.path.join(folder, name.lower())
        sys.exit(asyncio.run(main(options.checks)))

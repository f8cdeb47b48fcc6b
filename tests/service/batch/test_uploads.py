"""Batch uploads and downloads over real TLS, and every bad upload refused with nothing stored."""

from __future__ import annotations

import os
import re
import socket
import ssl
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sevis_tui.api.batch_client import BatchClient, new_batch_id
from sevis_tui.cert import factory

from .conftest import PROGRAM, USER, Listener, batch_xml, transaction_log

BATCH = "B2026120200001"

# What the store decides runs on both engines (tests/service/pg_support.py); the refusals of
# bad uploads happen before the store, so they run on SQLite only, to keep the suite quick.
ON_BOTH_ENGINES = pytest.mark.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


def stored(listener: Listener) -> int:
    return int(listener.rows("SELECT COUNT(*) FROM batches")[0][0])


@ON_BOTH_ENGINES
async def test_upload_then_download_the_transaction_log(
    client: BatchClient, listener: Listener
) -> None:
    reply = await client.upload(PROGRAM, USER, batch_xml(BATCH, records=3), "visitors.xml", BATCH)
    assert reply.accepted, reply
    assert (reply.details["records"], reply.details["failure"]) == ("3", "0")
    assert listener.rows(
        "SELECT program, batch_id, user_id, records, filename, upload_result FROM batches"
    ) == [(PROGRAM, BATCH, USER, 3, "visitors.xml", "S0000")]

    log = transaction_log(await client.download(PROGRAM, USER, BATCH))
    assert (log.batch_id, log.org_id, log.file_name) == (BATCH, PROGRAM, "visitors.xml")
    assert (log.status, log.upload_code, log.process_code, log.download_code) == (
        True,
        "S0000",
        "S0000",
        "S0000",
    )
    assert [r.request_id for r in log.results] == ["1", "2", "3"]
    assert all(re.fullmatch(r"N\d{10}", r.sevis_id) and r.success for r in log.results)
    held = listener.rows("SELECT sevis_id FROM exchange_visitors WHERE program = ?", PROGRAM)
    assert sorted(row[0] for row in held) == sorted(r.sevis_id for r in log.results)
    actions = listener.rows("SELECT action, result FROM audit WHERE action LIKE 'batch-%'")
    assert actions == [("batch-upload", "ok"), ("batch-download", "ok")]


async def test_a_batch_never_submitted_cannot_be_downloaded(client: BatchClient) -> None:
    reply = await client.download(PROGRAM, USER, "NEVERSUBMITTED")
    assert not isinstance(reply, bytes)
    assert (reply.code, reply.reason, reply.status) == ("S0031", "never_submitted", 404)


@ON_BOTH_ENGINES
async def test_a_batch_id_is_used_once_per_program(client: BatchClient, listener: Listener) -> None:
    assert (await client.upload(PROGRAM, USER, batch_xml(BATCH), "a.xml", BATCH)).accepted
    again = await client.upload(PROGRAM, USER, batch_xml(BATCH, records=5), "b.xml", BATCH)
    assert (again.code, again.reason, again.status) == ("S0001", "batch_id_reused", 409)
    assert listener.rows("SELECT records FROM batches") == [(2,)]


def test_generated_batch_ids_have_14_characters_and_differ(clock: Any) -> None:
    ids = {new_batch_id(clock.now) for _ in range(50)}
    assert len(ids) == 50
    assert all(len(item) == 14 and item.isalnum() for item in ids)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<SEVISBatchCreateUpdateEV userID="jsmith6544">&lol3;</SEVISBatchCreateUpdateEV>"""
TOO_MANY = (
    b'<SEVISBatchCreateUpdateEV userID="jsmith6544"><BatchHeader><BatchID>B2026120200001'
    b"</BatchID><OrgID>P-1-00001</OrgID></BatchHeader><CreateEV>"
    + b'<ExchangeVisitor requestID="1"/>' * 10_000
    + b"</CreateEV></SEVISBatchCreateUpdateEV>"
)
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<SEVISBatchCreateUpdateEV userID="jsmith6544">&secret;</SEVISBatchCreateUpdateEV>"""


@pytest.mark.parametrize(
    ("xml", "batch_id", "code", "reason"),
    [
        (batch_xml("B20261202000015"), "B20261202000015", "S0001", "invalid_batch_id"),
        (batch_xml("B202612020001"), "B202612020001", "S0001", "invalid_batch_id"),
        (batch_xml(BATCH), "B2026120200\x0101", "S0001", "invalid_batch_id"),
        (batch_xml(BATCH), "  B202612020001  ", "S0001", "invalid_batch_id"),
        (BOMB, BATCH, "S0001", "xml_forbidden"),
        (EXTERNAL, BATCH, "S0001", "xml_forbidden"),
        (b"<SEVISBatchCreateUpdateEV userID='x'><unclosed>", BATCH, "S0001", "xml_malformed"),
        (b"\xff\xfe not xml", BATCH, "S0001", "xml_malformed"),
        (batch_xml(BATCH).replace(b"Madrid", b"Madr\xe9d"), BATCH, "S0001", "xml_malformed"),
        (batch_xml(BATCH)[:-200], BATCH, "S0001", "xml_malformed"),
        (b"just some text", BATCH, "S0001", "xml_malformed"),
        (TOO_MANY, BATCH, "S0001", "too_many_records"),
        (batch_xml(BATCH, records=0), BATCH, "S0001", "no_records"),
        (b"", BATCH, "S0001", "missing_xml"),
        (batch_xml(BATCH).replace(b"CreateUpdateEV", b"Other"), BATCH, "S0001", "wrong_root"),
        (
            batch_xml(BATCH).replace(b"CreateUpdateEV", b"CreateUpdateStudent"),
            BATCH,
            "S0001",
            "wrong_root",
        ),
        (
            batch_xml(BATCH).replace(
                b'<SEVISBatchCreateUpdateEV userID="jsmith6544"', b"<SEVISBatchCreateUpdateEV"
            ),
            BATCH,
            "S0003",
            "user_id_mismatch",
        ),
        (batch_xml(BATCH, user="mgarcia221"), BATCH, "S0003", "user_id_mismatch"),
        (batch_xml("B2026120299999"), BATCH, "S0001", "header_mismatch"),
        (batch_xml(BATCH, orgid="P-1-00002"), BATCH, "S0002", "header_mismatch"),
    ],
)
async def test_bad_batches_are_refused_and_nothing_is_stored(
    client: BatchClient, listener: Listener, xml: bytes, batch_id: str, code: str, reason: str
) -> None:
    reply = await client.upload(PROGRAM, USER, xml, "bad.xml", batch_id)
    assert (reply.accepted, reply.code, reply.reason) == (False, code, reason)
    assert reply.message and reply.remedy
    assert "Traceback" not in reply.message and "Error" not in reply.message
    assert stored(listener) == 0
    assert ("batch-upload", reason) in listener.rows("SELECT action, result FROM audit")
    assert (await client.check(PROGRAM, USER)).accepted  # still serving


async def test_an_unregistered_certificate_cannot_make_the_listener_read_an_upload(
    listener: Listener, registered: factory.Issued, certs: Any
) -> None:
    stranger = certs.good(serial=99)  # accepted issuer, never registered
    async with listener.client(stranger) as client:
        reply = await client.upload(PROGRAM, USER, batch_xml(BATCH), "a.xml", BATCH)
    assert (reply.code, reply.reason) == ("C0001", "certificate_not_registered")
    assert stored(listener) == 0


async def test_a_100_mb_upload_is_refused_at_once(client: BatchClient, listener: Listener) -> None:
    huge = b"<x>" + b"y" * (100 * 1024 * 1024) + b"</x>"
    reply = await client.upload(PROGRAM, USER, huge, "huge.xml", BATCH)
    assert (reply.code, reply.reason, reply.status) == ("S0001", "too_large", 413)
    assert stored(listener) == 0
    assert (await client.check(PROGRAM, USER)).accepted


async def test_a_chunked_upload_over_the_limit_is_cut_off(
    client: BatchClient, listener: Listener
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="xml"; filename="a.xml"\r\n\r\n'
        for _ in range(20):
            yield b"z" * (1024 * 1024)

    response = await client.http.post(
        "/sevisbatch/action/batchUpload",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413
    assert b'reason="too_large"' in response.content
    assert stored(listener) == 0


async def test_a_body_that_is_not_multipart_is_refused(client: BatchClient) -> None:
    response = await client.http.post(
        "/sevisbatch/action/batchUpload", content=b"xml=1", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400 and b'reason="not_multipart"' in response.content


async def test_a_half_closed_connection_stores_nothing_and_the_listener_serves_on(
    client: BatchClient, listener: Listener, registered: factory.Issued
) -> None:
    from sevis_tui.storage.ssl_identity import load_identity

    context = ssl.create_default_context(cadata=listener.ca_pem)
    load_identity(context, registered.key, [registered.certificate])
    host, port = listener.url.removeprefix("https://").split(":")
    body = b'--b\r\nContent-Disposition: form-data; name="orgid"\r\n\r\nP-1-00001\r\n--b\r\n'
    head = (
        b"POST /sevisbatch/action/batchUpload HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        tls = context.wrap_socket(raw, server_hostname=host)
        tls.sendall(head + body)
        # Half-closed: the TCP connection says no more data will come (the TLS layer stays).
        with socket.socket(fileno=os.dup(tls.fileno())) as same:
            same.shutdown(socket.SHUT_WR)
        try:
            answer = tls.recv(4096)
        except (ssl.SSLError, OSError):
            answer = b""
        assert b"200 OK" not in answer
    assert stored(listener) == 0
    assert (await client.check(PROGRAM, USER)).accepted
    assert (await client.upload(PROGRAM, USER, batch_xml(BATCH), "a.xml", BATCH)).accepted


async def test_wrong_methods_and_paths_answer_xml(client: BatchClient) -> None:
    wrong_method = await client.http.get("/sevisbatch/action/batchUpload")
    assert (
        wrong_method.status_code == 405 and b'reason="method_not_allowed"' in wrong_method.content
    )
    nowhere = await client.http.get("/sevisbatch/action/elsewhere")
    assert nowhere.status_code == 404 and b'reason="not_found"' in nowhere.content

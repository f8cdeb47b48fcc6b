"""The door processes a batch like SEVIS: schema first, then record by record; every log it
writes is valid against SevisTransLog.xsd (checked by `transaction_log`)."""

from __future__ import annotations

import re

from sevis_tui.api.batch_client import BatchClient
from sevis_tui.sevis_batch.sample import amend, batch_file, create

from .conftest import PROGRAM, USER, Listener, batch_xml, transaction_log

FIRST, SECOND = "B2026120200001", "----kynEn47azQ"


async def test_a_file_failing_the_schema_is_refused_with_findings_and_logged(
    client: BatchClient, listener: Listener
) -> None:
    broken = batch_xml(FIRST, records=3).replace(b"1990-05-01", b"1962-13-01", 1)
    reply = await client.upload(PROGRAM, USER, broken, "broken.xml", FIRST)
    assert (reply.accepted, reply.code, reply.reason, reply.status) == (
        False,
        "S0004",
        "schema_invalid",
        400,
    )
    assert len(reply.findings) == 1
    finding = reply.findings[0]
    assert finding["message"] == (
        "line 11, ExchangeVisitor 1 (requestID 1), Biographical/BirthDate: `1962-13-01` is not "
        "a date (YYYY-MM-DD)."
    )
    assert finding["path"].endswith("/CreateEV/ExchangeVisitor[1]/Biographical/BirthDate")
    assert listener.rows("SELECT upload_result, processed_at FROM batches") == [("S0004", None)]
    assert listener.rows("SELECT COUNT(*) FROM exchange_visitors") == [(0,)]
    log = transaction_log(await client.download(PROGRAM, USER, FIRST))
    assert (log.status, log.upload_code, log.process_code, log.results) == (
        False,
        "S0004",
        "",
        [],
    )
    assert ("batch-upload", "schema_invalid") in listener.rows("SELECT action, result FROM audit")
    # As in SEVIS, the batch ID is used up.
    again = await client.upload(PROGRAM, USER, batch_xml(FIRST), "fixed.xml", FIRST)
    assert again.reason == "batch_id_reused"


async def test_records_are_processed_one_by_one_with_the_simulated_rules(
    client: BatchClient, listener: Listener
) -> None:
    assert (
        await client.upload(PROGRAM, USER, batch_xml(FIRST, records=1), "a.xml", FIRST)
    ).accepted
    held = transaction_log(await client.download(PROGRAM, USER, FIRST)).results[0].sevis_id
    creates = [
        create("c-ok", USER),
        create("c-dates", USER, start="2027-06-30", end="2027-01-10"),
        create("c-born", USER, birth_date="2099-01-01"),
        create("c-ok", USER),
    ]
    updates = [
        amend("u-ok", USER, held, "2027-02-01", "2027-08-31"),
        amend("u-stranger", USER, "N9999999999", "2027-02-01", "2027-08-31"),
    ]
    xml = batch_file(SECOND, PROGRAM, USER, creates, updates)
    reply = await client.upload(PROGRAM, USER, xml, "mixed.xml", SECOND)
    assert reply.accepted, reply
    assert (reply.details["records"], reply.details["failure"]) == ("6", "4")

    log = transaction_log(await client.download(PROGRAM, USER, SECOND, form=True))
    assert (log.status, log.process_code) == (False, "S0005")
    outcome = [(r.request_id, r.success, r.error_code) for r in log.results]
    assert outcome == [
        ("c-ok", True, ""),
        ("c-dates", False, "S1001"),
        ("c-born", False, "S1004"),
        ("c-ok", False, "S1003"),
        ("u-ok", True, ""),
        ("u-stranger", False, "S1002"),
    ]
    assert re.fullmatch(r"N\d{10}", log.results[0].sevis_id)
    assert log.results[4].sevis_id == held
    assert "N9999999999 is not an exchange visitor of P-1-00001" in log.results[5].error_message
    assert listener.rows(
        "SELECT program_start, program_end FROM exchange_visitors WHERE sevis_id = ?", held
    ) == [("2027-02-01", "2027-08-31")]


async def test_an_update_for_another_programs_visitor_fails(
    client: BatchClient, listener: Listener
) -> None:
    listener.change(
        "INSERT INTO exchange_visitors VALUES ('N0000000042', 'P-1-00002', '1', 'X', '', '',"
        " '2027-01-01', '2027-02-01', 'now', 'now')"
    )
    xml = batch_file(
        FIRST, PROGRAM, USER, [], [amend("1", USER, "N0000000042", "2027-01-01", "2027-03-01")]
    )
    assert (await client.upload(PROGRAM, USER, xml, "u.xml", FIRST)).accepted
    log = transaction_log(await client.download(PROGRAM, USER, FIRST))
    assert [(r.success, r.error_code) for r in log.results] == [(False, "S1002")]


async def test_a_download_by_post_form_and_by_query_give_the_same_log(
    client: BatchClient,
) -> None:
    assert (await client.upload(PROGRAM, USER, batch_xml(SECOND), "a.xml", SECOND)).accepted
    by_query = transaction_log(await client.download(PROGRAM, USER, SECOND))
    by_form = transaction_log(await client.download(PROGRAM, USER, SECOND, form=True))
    assert by_query == by_form
    response = await client.http.post(
        "/sevisbatch/action/batchDownload", content=b"{}", headers={"Content-Type": "text/json"}
    )
    assert response.status_code == 400 and b'reason="not_a_form"' in response.content

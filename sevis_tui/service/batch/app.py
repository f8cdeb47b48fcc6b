"""The batch listener as a Starlette app: SEVIS-shaped endpoints behind mutual TLS.

    POST /sevisbatch/action/batchUpload     multipart: xml, orgid, batchid, userid
    GET  /sevisbatch/action/batchDownload   ?orgid=&batchid=&userid=  -> ZIP (transaction log)
    POST /sevisbatch/action/batchDownload   the same as a form (urlencoded or multipart)
    GET  /sevisbatch/action/check           ?orgid=&userid=           -> may this key send?

Every answer is XML (`replies.py`) except a download's ZIP; every request, refusal or not, is
written to the audit log with the certificate's fingerprint. The client certificate comes
from the standard ASGI TLS extension (`access.presented_certificate`). Uploads are checked
against the SEVIS 6.27 schema and processed by a simulation (batches.py, records.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sevis_tui.service.accounts import audit
from sevis_tui.service.batch import access, batches, form
from sevis_tui.service.batch.replies import Answer, BatchRefusal, accepted
from sevis_tui.service.batch.tally import DEFAULT_INTERVAL, RefusalTally
from sevis_tui.service.errors import ApiError
from sevis_tui.service.store import Clock, Storage, Tx, open_store, utc_now
from sevis_tui.sevis_batch.check import ROOT
from sevis_tui.sevis_batch.translog import RecordResult

log = logging.getLogger("sevis_tui.service")
PREFIX = "/sevisbatch/action"


def create_batch_app(
    db_path: Path | str,
    *,
    clock: Clock = utc_now,
    busy_timeout: float = 5.0,
    refusal_interval: dt.timedelta = DEFAULT_INTERVAL,
) -> Guard:
    """The batch interface over the registration service's store, SQLite or PostgreSQL
    (migrated as needed).
    refusal_interval: refusals without a certificate are counted, one audit row per client
    address and interval (tally.py)."""
    store = open_store(db_path, busy_timeout=busy_timeout)
    store.migrate()
    listener = BatchService(store, clock, RefusalTally(refusal_interval))
    # A warning, so that it is in every log: nobody should take this door for SEVIS.
    log.warning("batch interface ready; records are processed by a simulation (docs/domain.md)")
    app = Starlette(
        routes=[
            Route(PREFIX + "/batchUpload", listener.upload, methods=["POST"]),
            Route(PREFIX + "/batchDownload", listener.download, methods=["GET", "POST"]),
            Route(PREFIX + "/check", listener.check, methods=["GET"]),
        ],
        exception_handlers={BatchRefusal: _refused, HTTPException: _http_error},
    )
    app.state.batch = listener
    return Guard(app)


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, BatchRefusal)
    return error.answer()


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        refusal = BatchRefusal(
            405,
            "S0001",
            "method_not_allowed",
            f"{request.method} is not allowed here.",
            "Upload with POST, download with GET or POST, check with GET (docs/api.md).",
        )
    else:
        refusal = BatchRefusal(
            error.status_code,
            "S0001",
            "not_found",
            f"There is no {request.url.path[:80]}.",
            f"The batch endpoints are under {PREFIX}/ (docs/api.md).",
        )
    return refusal.answer()


class Guard:
    """Outermost: an unexpected failure becomes an S9999 XML reply, never a traceback."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("batch interface: internal error on %s", scope.get("path"))
            if not started:
                refusal = BatchRefusal(
                    500,
                    "S9999",
                    "internal_error",
                    "The batch interface had an unexpected problem; nothing was stored.",
                    "Resubmit the batch later; if it persists, tell the service's administrator.",
                )
                await refusal.answer()(scope, receive, send)


class BatchService:
    def __init__(self, store: Storage, clock: Clock, tally: RefusalTally) -> None:
        self.store = store
        self.clock = clock
        self.tally = tally

    async def check(self, request: Request) -> Response:
        orgid = request.query_params.get("orgid", "")
        userid = request.query_params.get("userid", "")

        def work(tx: Tx, presented: access.Presented, now: dt.datetime) -> Response:
            grant = access.authorize(tx, presented, orgid, userid, now)
            return accepted(
                "Check",
                {
                    "orgid": grant.program,
                    "userid": grant.user_id,
                    "role": grant.role,
                    "sha256": presented.sha256,
                    "registeredAt": grant.registered_at,
                    "confirmation": grant.confirmation,
                    "userActiveUntil": grant.active_until.isoformat(),
                },
                f"This certificate and user ID {grant.user_id} are accepted for batches of "
                f"{grant.program}.",
            )

        return await self._audited(request, "batch-check", orgid, userid, work)

    async def download(self, request: Request) -> Response:
        """The transaction log: asked for with a GET query or a POST form (batch clients do
        both); the form is read only from a registered certificate."""
        fields: Mapping[str, str]
        if request.method == "POST":
            now = self.clock()
            presented = await self._presented(request, "batch-download", now)
            try:
                fields = await form.download_fields(request)
            except BatchRefusal as refusal:
                await self._audit(now, "", "batch-download", "", refusal, presented.sha256)
                raise
        else:
            fields = request.query_params
        orgid = fields.get("orgid", "")
        userid = fields.get("userid", "")
        batch_id = fields.get("batchid", "")

        def work(tx: Tx, presented: access.Presented, now: dt.datetime) -> Response:
            access.authorize(tx, presented, orgid, userid, now)
            archive = batches.transaction_log(tx, orgid, batches.check_batch_id(batch_id))
            return Response(
                archive,
                media_type="application/zip",
                headers={"Content-Disposition": f'attachment; filename="{batch_id}.zip"'},
            )

        return await self._audited(request, "batch-download", orgid, userid, work, batch_id)

    async def upload(self, request: Request) -> Response:
        now = self.clock()
        presented = await self._presented(request, "batch-upload", now)
        fields = await self._upload_form(request, presented, now)
        orgid = form.text_field(fields, "orgid")
        userid = form.text_field(fields, "userid")
        batch_id = form.text_field(fields, "batchid")
        xml = fields.fields.get("xml")
        name = posixpath.basename(fields.filenames.get("xml", "").replace("\\", "/"))[:255]

        def work(tx: Tx, presented: access.Presented, now: dt.datetime) -> Response:
            grant = access.authorize(tx, presented, orgid, userid, now)
            checked_id = batches.check_batch_id(batch_id)
            if not xml:
                raise BatchRefusal(
                    400,
                    "S0001",
                    "missing_xml",
                    "The upload has no xml part (the batch file).",
                    "Send the batch file as the multipart part named xml.",
                )
            checked = batches.read_batch(xml, orgid, checked_id, userid)
            results = batches.receive(
                tx,
                orgid=orgid,
                batch_id=checked_id,
                user_id=grant.user_id,
                checked=checked,
                xml=xml,
                filename=name or f"{checked_id}.xml",
                certificate=presented.sha256,
                now=now,
            )
            if results is None:  # stored, with a log saying the upload failed the schema
                return batches.schema_refusal(checked).answer()
            return _received(orgid, checked_id, grant.user_id, results, now)

        return await self._audited(request, "batch-upload", orgid, userid, work, batch_id)

    async def _upload_form(
        self, request: Request, presented: access.Presented, now: dt.datetime
    ) -> form.Form:
        """The upload's parts; read only for a certificate registered for some program, so a
        stranger's body is never read. Every refusal here is audited."""
        registered = await run_in_threadpool(
            self.store.read, lambda tx: access.registered_anywhere(tx, presented)
        )
        try:
            if not registered:
                raise BatchRefusal(
                    403,
                    "C0001",
                    "certificate_not_registered",
                    "This certificate is not registered for batch processing for any program.",
                    "Register it first (Register for Batch Processing), or connect with the "
                    "registered one.",
                    presented=presented.sha256,
                )
            try:
                return await form.read_form(request)
            except ClientDisconnect:
                raise BatchRefusal(
                    400,
                    "S0001",
                    "client_disconnected",
                    "The connection closed before the upload was complete; nothing was stored.",
                    "Upload the batch again.",
                ) from None
        except BatchRefusal as refusal:
            await self._audit(now, "", "batch-upload", "", refusal, presented.sha256)
            raise

    # ------------------------------------------------------------------ the frame

    async def _audited(
        self,
        request: Request,
        action: str,
        orgid: str,
        userid: str,
        work: Callable[[Tx, access.Presented, dt.datetime], Response],
        batch_id: str = "",
    ) -> Response:
        """`work` in one write transaction with its audit line; a refusal is audited too."""
        now = self.clock()
        presented = await self._presented(request, action, now)
        detail = f"certificate {presented.sha256}" + (
            f"; batch {batch_id[:20]}" if batch_id else ""
        )

        def transaction(tx: Tx) -> Response:
            answer = work(tx, presented, now)
            result = answer.audit_result if isinstance(answer, Answer) else "ok"
            audit(tx, now, userid, action, result, program=orgid[:32], detail=detail)
            return answer

        try:
            return await run_in_threadpool(self.store.write, transaction)
        except BatchRefusal as refusal:
            await self._audit(now, userid, action, orgid, refusal, presented.sha256, batch_id)
            raise
        except ApiError as error:  # the store is unavailable
            raise BatchRefusal(
                503, "S9999", "store_unavailable", error.message, "Resubmit later."
            ) from None

    async def _presented(self, request: Request, action: str, now: dt.datetime) -> access.Presented:
        try:
            return access.presented_certificate(request.scope)
        except BatchRefusal as refusal:
            await self._tally(request, now, action, refusal)
            raise

    async def _tally(
        self, request: Request, now: dt.datetime, action: str, refusal: BatchRefusal
    ) -> None:
        """Anyone can cause a refusal without a certificate, as often as they like: counted per
        client address and interval, not logged one by one, never under the user ID sent."""
        client = request.client.host if request.client else "unknown"

        def write(tx: Tx) -> None:
            self.tally.record(tx, now, client, action, refusal)

        try:
            await run_in_threadpool(self.store.write, write)
        except ApiError as problem:
            log.warning("could not audit a refusal (%s): %s", refusal.reason, problem.message)

    async def _audit(
        self,
        now: dt.datetime,
        userid: str,
        action: str,
        orgid: str,
        refusal: BatchRefusal,
        certificate: str,
        batch_id: str = "",
    ) -> None:
        detail = f"{refusal.code}: {refusal.message}; certificate {certificate}"
        if batch_id:
            detail += f"; batch {batch_id[:20]}"

        def write(tx: Tx) -> None:
            audit(tx, now, userid, action, refusal.reason, program=orgid[:32], detail=detail)

        try:
            await run_in_threadpool(self.store.write, write)
        except ApiError as problem:
            log.warning("could not audit a batch refusal (%s): %s", refusal.reason, problem.message)


def _received(
    orgid: str, batch_id: str, user_id: str, results: list[RecordResult], now: dt.datetime
) -> Answer:
    """The answer to a batch received and processed: its counts; the log holds each record."""
    failed = sum(1 for result in results if not result.success)
    return accepted(
        "Batch",
        {
            "orgid": orgid,
            "batchid": batch_id,
            "userid": user_id,
            "root": ROOT,
            "records": str(len(results)),
            "success": str(len(results) - failed),
            "failure": str(failed),
            "uploadedAt": now.isoformat(),
        },
        f"Batch {batch_id} was received for {orgid} and processed: "
        f"{len(results)} records, {failed} failed. Download its transaction log for "
        "each record's result.",
    )

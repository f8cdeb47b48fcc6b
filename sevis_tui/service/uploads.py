"""Certificate uploads: size limit, Idempotency-Key, the authoritative check by `cert/`,
then one transaction that registers the certificate or records why it was rejected."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import posixpath
import sqlite3
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sevis_tui.api.models import CertificateSummary
from sevis_tui.service import accounts, registrations
from sevis_tui.service.errors import ApiError
from sevis_tui.service.web import bearer_token, program_number, read_limited

if TYPE_CHECKING:
    from sevis_tui.cert import FileReport, Policy
    from sevis_tui.service.app import Service

MAX_UPLOAD_BYTES = 1024 * 1024


async def upload(service: Service, request: Request) -> Response:
    """POST /programs/{number}/batch/certificate: check, then register or reject and say why."""
    token, number = bearer_token(request), program_number(request)
    key = request.headers.get("idempotency-key", "").strip()
    if not 0 < len(key) <= 255:
        raise ApiError(
            400,
            "missing_idempotency_key",
            "The upload has no Idempotency-Key header (or it is longer than 255 characters).",
            "Send a fresh random Idempotency-Key with each new upload, the same one on retry.",
        )
    filename = posixpath.basename(request.query_params.get("filename", "").replace("\\", "/"))
    filename = filename[:255] or "certificate"
    body = await read_limited(request, MAX_UPLOAD_BYTES)
    if body is None:
        await service.write(lambda tx: _too_large(tx, token, number, service.clock()))
    assert body is not None
    digest = hashlib.sha256(number.encode() + b"\0" + body).hexdigest()
    # Fail fast before checking the file: a read, so concurrent uploads do not queue here.
    replay = await _guard(service, token, number, key, digest)
    if replay is not None:
        return JSONResponse(replay, status_code=201)
    now = service.clock()
    report = await run_in_threadpool(_inspect, service.policy, body, filename, now)

    def work(tx: sqlite3.Connection) -> Any:
        user_id = accounts.authenticate(tx, token, now)
        try:
            earlier = registrations.find_replay(tx, user_id, key, digest)
            if earlier is not None:  # a concurrent twin of this request won the race
                return earlier
            version = registrations.check_may_upload(tx, user_id, number)
            _require_ok(report)
        except ApiError as error:
            _audit_rejection(tx, now, user_id, number, error, filename)
            raise
        return registrations.register(
            tx,
            user_id=user_id,
            number=number,
            agreement_version=version,
            certificate_der=report.subject_der or b"",
            summary=_summary(report),
            warnings=_warnings(report),
            key_discarded=report.has_private_key,
            filename=filename,
            idempotency_key=key,
            request_sha256=digest,
            now=now,
        )

    return JSONResponse(await service.write(work), status_code=201)


async def _guard(
    service: Service, token: str | None, number: str, key: str, digest: str
) -> dict[str, Any] | None:
    """The earlier confirmation for a repeated request, None to go on, or an ApiError."""
    now = service.clock()
    known: list[str] = []

    def check(tx: sqlite3.Connection) -> dict[str, Any] | None:
        user_id = accounts.authenticate(tx, token, now, touch=False)
        known.append(user_id)
        earlier = registrations.find_replay(tx, user_id, key, digest)
        if earlier is None:
            registrations.check_may_upload(tx, user_id, number)
        return earlier

    try:
        earlier = await run_in_threadpool(service.store.read, check)
    except ApiError as error:
        if known and error.code != "store_unavailable":
            rejected = error
            await service.write(
                lambda tx: _audit_rejection(tx, now, known[0], number, rejected, "")
            )
        raise
    if earlier is not None:
        await service.write(
            lambda tx: accounts.audit(
                tx,
                now,
                known[0],
                "upload",
                "replayed",
                program=number,
                detail=str(earlier["number"]),
            )
        )
    return earlier


def _too_large(tx: sqlite3.Connection, token: str | None, number: str, now: dt.datetime) -> None:
    user_id = accounts.authenticate(tx, token, now, touch=False)
    error = ApiError(
        413,
        "too_large",
        f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KiB; a certificate is a few KiB.",
        "Upload only the certificate (.cer or .pem), not a bundle or archive.",
    )
    _audit_rejection(tx, now, user_id, number, error, "")
    raise error


def _inspect(policy: Policy, body: bytes, filename: str, now: dt.datetime) -> FileReport:
    from sevis_tui.cert import inspect_bytes

    policy = dataclasses.replace(policy, now=now)
    return inspect_bytes(body, policy, name=filename)


def _require_ok(report: FileReport) -> None:
    if report.ok and report.subject is not None and report.subject_der:
        return
    errors = report.errors
    first = errors[0].message if errors else "no certificate to register was found"
    count = len(errors)
    raise ApiError(
        422,
        "certificate_rejected",
        f"SEVIS cannot validate this certificate: {first}"
        + (f" (and {count - 1} more)" if count > 1 else ""),
        "Fix each error listed in the findings, then upload the certificate again.",
        findings=[finding.to_dict() for finding in report.findings],
    )


def _summary(report: FileReport) -> CertificateSummary:
    info = report.subject
    assert info is not None  # _require_ok checked it
    return CertificateSummary(
        subject=info.subject,
        issuer=info.issuer,
        not_after=info.not_after,
        sha256=info.sha256,
        serial_hex=info.serial_hex,
    )


def _warnings(report: FileReport) -> list[dict[str, str]]:
    warnings = [finding.to_dict() for finding in report.warnings]
    if report.has_private_key:
        warnings.append(
            {
                "code": "private_key_discarded",
                "severity": "warning",
                "message": "The file held a private key. The service discarded it: only the "
                "certificate was stored, and the key was not logged.",
                "remedy": "Keep the private key only in your batch client's password-protected "
                "PKCS#12 file; upload the .cer or .pem certificate alone next time.",
            }
        )
    return warnings


def _audit_rejection(
    tx: sqlite3.Connection,
    now: dt.datetime,
    user_id: str,
    number: str,
    error: ApiError,
    filename: str,
) -> None:
    detail = error.message if not filename else f"{filename}: {error.message}"
    accounts.audit(tx, now, user_id, "upload", error.code, program=number, detail=detail)
    error.commit = True

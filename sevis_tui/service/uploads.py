"""Certificate uploads: size limit, Idempotency-Key, the authoritative check by `cert/`,
then one transaction that registers the certificate. A refusal is audited by the endpoint's
frame (Service.respond), with the file's name.

Takes what it needs (the store, the policy, the time, the caller), not the whole service."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from sevis_tui.contract import CertificateSummary, Confirmation, Finding
from sevis_tui.service import accounts, registrations
from sevis_tui.service.caller import Caller
from sevis_tui.service.errors import ApiError
from sevis_tui.service.store import Storage, Tx
from sevis_tui.service.web import bearer_token, program_number, read_limited

if TYPE_CHECKING:
    from sevis_tui.cert import FileReport, Policy

MAX_UPLOAD_BYTES = 1024 * 1024

PRIVATE_KEY_DISCARDED = Finding(
    "private_key_discarded",
    "warning",
    "The file held a private key. The service discarded it: only the certificate was stored, "
    "and the key was not logged.",
    "Keep the private key only in your batch client's password-protected PKCS#12 file; upload "
    "the .cer or .pem certificate alone next time.",
)


@dataclass(frozen=True)
class Upload:
    token: str | None
    number: str
    key: str
    filename: str
    body: bytes | None  # None: over MAX_UPLOAD_BYTES


async def read_upload(request: Request) -> Upload:
    """POST /programs/{number}/batch/certificate as it arrived (nothing checked yet)."""
    key = request.headers.get("idempotency-key", "").strip()
    filename = posixpath.basename(request.query_params.get("filename", "").replace("\\", "/"))
    body = await read_limited(request, MAX_UPLOAD_BYTES)
    return Upload(
        bearer_token(request), program_number(request), key, filename[:255] or "certificate", body
    )


def register_upload(
    store: Storage, policy: Policy, now: dt.datetime, caller: Caller, upload: Upload
) -> Confirmation:
    """The whole upload, in one worker thread: who asks, the request's shape, a replay, the
    authoritative check (outside any transaction), then one write transaction."""
    number, key, body = upload.number, upload.key, upload.body
    request_sha256 = digest(number, body) if body is not None else ""

    def check(tx: Tx) -> Confirmation | None:
        # Authenticate first: a caller without a session learns nothing about the request.
        caller.user_id = accounts.authenticate(tx, upload.token, now, touch=False)
        _refuse_malformed(key, body)
        caller.detail = upload.filename
        earlier = registrations.find_replay(tx, caller.user_id, key, request_sha256)
        if earlier is None:  # fail fast, before checking the file
            registrations.check_may_upload(tx, caller.user_id, number)
        return earlier

    earlier = store.read(check)
    assert body is not None  # check() refused a body over the limit
    if earlier is not None:
        store.write(
            lambda tx: accounts.audit(
                tx, now, caller.user_id, "upload", "replayed", program=number, detail=earlier.number
            )
        )
        return earlier
    report = _inspect(policy, body, upload.filename, now)

    def work(tx: Tx) -> Confirmation:
        user_id = accounts.authenticate(tx, upload.token, now)
        earlier = registrations.find_replay(tx, user_id, key, request_sha256)
        if earlier is not None:  # a concurrent twin of this request won the race
            return earlier
        version = registrations.check_may_upload(tx, user_id, number)
        _require_ok(report)
        return registrations.register(
            tx,
            user_id=user_id,
            number=number,
            agreement_version=version,
            certificate_der=report.subject_der or b"",
            summary=_summary(report),
            warnings=_warnings(report),
            key_discarded=report.has_private_key,
            filename=upload.filename,
            idempotency_key=key,
            request_sha256=request_sha256,
            now=now,
        )

    return store.write(work)


def _refuse_malformed(key: str, body: bytes | None) -> None:
    """The request's own shape: an Idempotency-Key, and a body within the limit (None: over)."""
    if not 0 < len(key) <= 255:
        raise ApiError(
            400,
            "missing_idempotency_key",
            "The upload has no Idempotency-Key header (or it is longer than 255 characters).",
            "Send a fresh random Idempotency-Key with each new upload, the same one on retry.",
        )
    if body is None:
        raise ApiError(
            413,
            "too_large",
            f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KiB; a certificate is a few KiB.",
            "Upload only the certificate (.cer or .pem), not a bundle or archive.",
        )


def digest(number: str, body: bytes) -> str:
    """What an Idempotency-Key stands for: this file for this program."""
    return hashlib.sha256(number.encode() + b"\0" + body).hexdigest()


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
        findings=report.findings,
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


def _warnings(report: FileReport) -> tuple[Finding, ...]:
    if report.has_private_key:
        return (*report.warnings, PRIVATE_KEY_DISCARDED)
    return report.warnings

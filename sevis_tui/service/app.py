"""The registration service as a Starlette app (see DESIGN.md for the API).

    app = create_app(path_to_sqlite, settings=settings, demo=True)

Every answer that is not a success has the one error shape
`{"error": {"code", "message", "remedy"}}` (+ `"findings"` for rejected certificates). Codes:
400 malformed_json, invalid_field, missing_idempotency_key; 401 not_authenticated,
session_expired, invalid_credentials; 403 not_an_official, account_inactive; 404
unknown_program, not_found; 405 method_not_allowed; 409 agreement_not_accepted,
stale_agreement, program_inactive, idempotency_key_reused; 413 too_large; 422
certificate_rejected; 423 account_locked; 500 internal_error (never with a traceback);
503 store_unavailable, no_agreement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import posixpath
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sevis_tui.api.models import CertificateSummary, to_json
from sevis_tui.config import Settings
from sevis_tui.service import accounts, programs
from sevis_tui.service.errors import ApiError, invalid_field
from sevis_tui.service.passwords import burn_time, verify_password
from sevis_tui.service.store import Clock, Store, utc_now

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert import FileReport, Policy

log = logging.getLogger("sevis_tui.service")

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_JSON_BYTES = 64 * 1024
# Past this, stop reading an oversized upload and let the connection close.
MAX_DRAIN_BYTES = 16 * 1024 * 1024


def create_app(
    db_path: Path | str,
    *,
    clock: Clock = utc_now,
    settings: Settings | None = None,
    demo: bool = False,
    extra_issuers: Sequence[x509.Certificate] = (),
    busy_timeout: float = 5.0,
) -> Starlette:
    """The service over the SQLite file `db_path` (created and migrated as needed).

    `demo` seeds the demo programs, officials and user and accepts the demo issuer.
    `clock` returns aware UTC datetimes; tests pass their own to move time.
    """
    from sevis_tui.cert import load_policy
    from sevis_tui.service.agreement import ensure_agreement
    from sevis_tui.service.demo import ensure_demo_issuer, seed

    settings = settings or Settings()
    store = Store(Path(db_path), busy_timeout=busy_timeout)
    store.migrate()
    issuers = list(extra_issuers)
    if demo:
        issuers.append(ensure_demo_issuer().certificate)
    try:
        store.write(ensure_agreement)
        if demo:
            store.write(lambda tx: seed(tx, clock()))
    except ApiError as error:
        # A read-only or locked database: serve anyway; writes will answer 503 and say why.
        log.warning("could not prepare the database %s: %s", db_path, error.message)
    service = Service(store, clock, load_policy(settings, extra_issuers=issuers))
    prefix = "/api/v1"
    routes = [
        Route(prefix + "/health", service.health, methods=["GET"]),
        Route(prefix + "/session", service.login, methods=["POST"]),
        Route(prefix + "/session", service.logout, methods=["DELETE"]),
        Route(prefix + "/programs", service.programs, methods=["GET"]),
        Route(prefix + "/programs/{number}", service.program, methods=["GET"]),
        Route(prefix + "/batch/agreement", service.agreement, methods=["GET"]),
        Route(prefix + "/programs/{number}/batch/acceptance", service.accept, methods=["POST"]),
        Route(prefix + "/programs/{number}/batch/certificate", service.upload, methods=["POST"]),
        Route(prefix + "/programs/{number}/batch", service.batch, methods=["GET"]),
        Route(prefix + "/trust", service.trust, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.service = service
    app.add_middleware(CatchAll)
    return app


class Service:
    def __init__(self, store: Store, clock: Clock, policy: Policy) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy

    # ------------------------------------------------------------------ sessions

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def login(self, request: Request) -> Response:
        body = await _json_object(request)
        user_id = _field(body, "user_id", str, "a string")
        password = _field(body, "password", str, "a string")
        if not 0 < len(user_id) <= 64 or len(password) > 1024:
            raise accounts_invalid()
        account = await run_in_threadpool(
            self.store.read, lambda tx: accounts.find_account(tx, user_id)
        )
        if account is None:
            await run_in_threadpool(burn_time, password)
            ok = False
        else:
            ok = await run_in_threadpool(verify_password, password, account.password)
        now = self.clock()
        result = await self._write(lambda tx: accounts.finish_login(tx, user_id, ok, now))
        return JSONResponse(to_json(result))

    async def logout(self, request: Request) -> Response:
        token, now = _token(request), self.clock()
        await self._write(lambda tx: accounts.end_session(tx, token, now))
        return Response(status_code=204)

    # ------------------------------------------------------------------ reading

    async def programs(self, request: Request) -> Response:
        token, now = _token(request), self.clock()

        def work(tx: sqlite3.Connection) -> Any:
            return to_json(programs.list_programs(tx, accounts.authenticate(tx, token, now)))

        return JSONResponse(await self._write(work))

    async def program(self, request: Request) -> Response:
        token, now, number = _token(request), self.clock(), _number(request)

        def work(tx: sqlite3.Connection) -> Any:
            user_id = accounts.authenticate(tx, token, now)
            return to_json(programs.program_detail(tx, user_id, number))

        return JSONResponse(await self._write(work))

    async def agreement(self, request: Request) -> Response:
        token, now = _token(request), self.clock()

        def work(tx: sqlite3.Connection) -> Any:
            accounts.authenticate(tx, token, now)
            return to_json(programs.current_agreement(tx))

        return JSONResponse(await self._write(work))

    async def batch(self, request: Request) -> Response:
        token, now, number = _token(request), self.clock(), _number(request)

        def work(tx: sqlite3.Connection) -> Any:
            user_id = accounts.authenticate(tx, token, now)
            return to_json(programs.batch_status(tx, user_id, number))

        return JSONResponse(await self._write(work))

    async def trust(self, request: Request) -> Response:
        from sevis_tui.cert.factory import pem

        issuers = [
            {
                "subject": issuer.subject.rfc4514_string(),
                "sha256": _colon_hex(hashlib.sha256(_der(issuer)).hexdigest()),
                "pem": pem(issuer).decode("ascii"),
            }
            for issuer in self.policy.accepted_issuers
        ]
        return JSONResponse({"issuers": issuers})

    # ------------------------------------------------------------------ acting

    async def accept(self, request: Request) -> Response:
        token, now, number = _token(request), self.clock(), _number(request)
        body = await _json_object(request)
        version = _field(body, "version", int, "a whole number")

        def work(tx: sqlite3.Connection) -> Any:
            user_id = accounts.authenticate(tx, token, now)
            return to_json(programs.accept(tx, user_id, number, version, now))

        return JSONResponse(await self._write(work), status_code=201)

    async def upload(self, request: Request) -> Response:
        token, number = _token(request), _number(request)
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
        body = await _read_limited(request, MAX_UPLOAD_BYTES)
        if body is None:
            await self._write(lambda tx: self._too_large(tx, token, number, self.clock()))
        assert body is not None
        digest = hashlib.sha256(number.encode() + b"\0" + body).hexdigest()
        # Fail fast before checking the file: a read, so concurrent uploads do not queue here.
        replay = await self._guard_upload(token, number, key, digest)
        if replay is not None:
            return JSONResponse(replay, status_code=201)
        now = self.clock()
        report = await run_in_threadpool(self._inspect, body, filename, now)

        def work(tx: sqlite3.Connection) -> Any:
            user_id = accounts.authenticate(tx, token, now)
            try:
                earlier = programs.find_replay(tx, user_id, key, digest)
                if earlier is not None:  # a concurrent twin of this request won the race
                    return earlier
                version = programs.check_may_upload(tx, user_id, number)
                _require_ok(report)
            except ApiError as error:
                _audit_rejection(tx, now, user_id, number, error, filename)
                raise
            return programs.register(
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

        return JSONResponse(await self._write(work), status_code=201)

    async def _guard_upload(
        self, token: str | None, number: str, key: str, digest: str
    ) -> dict[str, Any] | None:
        """The earlier confirmation for a repeated request, None to go on, or an ApiError."""
        now = self.clock()
        known: list[str] = []

        def check(tx: sqlite3.Connection) -> dict[str, Any] | None:
            user_id = accounts.authenticate(tx, token, now, touch=False)
            known.append(user_id)
            earlier = programs.find_replay(tx, user_id, key, digest)
            if earlier is None:
                programs.check_may_upload(tx, user_id, number)
            return earlier

        try:
            earlier = await run_in_threadpool(self.store.read, check)
        except ApiError as error:
            if known and error.code != "store_unavailable":
                rejected = error
                await self._write(
                    lambda tx: _audit_rejection(tx, now, known[0], number, rejected, "")
                )
            raise
        if earlier is not None:
            await self._write(
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

    def _too_large(
        self, tx: sqlite3.Connection, token: str | None, number: str, now: dt.datetime
    ) -> None:
        user_id = accounts.authenticate(tx, token, now, touch=False)
        error = ApiError(
            413,
            "too_large",
            f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KiB; a certificate is a few KiB.",
            "Upload only the certificate (.cer or .pem), not a bundle or archive.",
        )
        _audit_rejection(tx, now, user_id, number, error, "")
        raise error

    def _inspect(self, body: bytes, filename: str, now: dt.datetime) -> FileReport:
        from sevis_tui.cert import inspect_bytes

        policy = dataclasses.replace(self.policy, now=now)
        return inspect_bytes(body, policy, name=filename)

    async def _write(self, work: Any) -> Any:
        return await run_in_threadpool(self.store.write, work)


def accounts_invalid() -> ApiError:
    return ApiError(
        401,
        "invalid_credentials",
        "The user ID or password is wrong.",
        "Check the user ID and password; both are case sensitive.",
    )


# --------------------------------------------------------------------------- certificate results


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


def _der(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificate.public_bytes(Encoding.DER)


def _colon_hex(hexdigest: str) -> str:
    upper = hexdigest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


# --------------------------------------------------------------------------- requests


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _number(request: Request) -> str:
    return str(request.path_params["number"])[:32]


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await _read_limited(request, MAX_JSON_BYTES)
    if raw is None:
        raise ApiError(
            413, "too_large", "The request body is too large.", "Send a small JSON object."
        )
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(
            400,
            "malformed_json",
            "The request body is not valid JSON.",
            'Send a JSON object, e.g. {"user_id": "...", "password": "..."}.',
        ) from None
    if not isinstance(data, dict):
        raise ApiError(
            400, "malformed_json", "The request body must be a JSON object.", "Send {...}."
        )
    return data


def _field(body: dict[str, Any], name: str, kind: type[Any], expected: str) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise invalid_field(name, expected)
    return value


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is over `limit` (the rest is drained so the answer arrives)."""
    declared = request.headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_big = True
        if too_big:
            if size > MAX_DRAIN_BYTES:
                break
            continue
        chunks.append(chunk)
    return None if too_big else b"".join(chunks)


# --------------------------------------------------------------------------- error answers


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JSONResponse(error.body(), status_code=error.status)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        answer = ApiError(
            404, "not_found", f"There is no {request.url.path}.", "See DESIGN.md for the API paths."
        )
    elif error.status_code == 405:
        answer = ApiError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed on {request.url.path}.",
            "See DESIGN.md for the methods each path accepts.",
        )
    else:
        answer = ApiError(error.status_code, "http_error", str(error.detail), "")
    return JSONResponse(answer.body(), status_code=answer.status, headers=error.headers)


class CatchAll:
    """Outermost guard: an unexpected exception becomes a 500 in the one shape, no traceback
    in the answer (it goes to the log), and is not re-raised into an embedding client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            answer = ApiError(
                500,
                "internal_error",
                "The service had an unexpected problem; nothing was registered.",
                "Try again; if it persists, tell the service's administrator (see its log).",
            )
            await JSONResponse(answer.body(), status_code=500)(scope, receive, send)

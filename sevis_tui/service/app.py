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

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sevis_tui.api.models import Trust, TrustedIssuer, to_json
from sevis_tui.config import Settings, shipped_settings
from sevis_tui.service import accounts, programs, uploads
from sevis_tui.service.errors import ApiError
from sevis_tui.service.passwords import burn_time, verify_password
from sevis_tui.service.store import Clock, Store, utc_now
from sevis_tui.service.web import (
    CatchAll,
    api_error_answer,
    bearer_token,
    field,
    http_error_answer,
    json_object,
    program_number,
)

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert import Policy

log = logging.getLogger("sevis_tui.service")

# What a signed-in request answers, given its transaction, user ID and time (a model).
Answer = Callable[[sqlite3.Connection, str, dt.datetime], Any]


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

    settings = settings or shipped_settings()
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
        exception_handlers={ApiError: api_error_answer, HTTPException: http_error_answer},
    )
    app.state.service = service
    app.add_middleware(CatchAll)
    return app


class Service:
    def __init__(self, store: Store, clock: Clock, policy: Policy) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        # The accepted issuers never change while the service runs: render GET /trust once.
        self.trust_body = to_json(_trust(policy.accepted_issuers))

    # ------------------------------------------------------------------ sessions

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def login(self, request: Request) -> Response:
        body = await json_object(request)
        user_id = field(body, "user_id", str, "a string")
        password = field(body, "password", str, "a string")
        if not 0 < len(user_id) <= 64 or len(password) > 1024:
            raise accounts.invalid_credentials(None)
        account = await run_in_threadpool(
            self.store.read, lambda tx: accounts.find_account(tx, user_id)
        )
        if account is None:
            await run_in_threadpool(burn_time, password)
            ok = False
        else:
            ok = await run_in_threadpool(verify_password, password, account.password)
        now = self.clock()
        result = await self.write(lambda tx: accounts.finish_login(tx, user_id, ok, now))
        return JSONResponse(to_json(result))

    async def logout(self, request: Request) -> Response:
        token, now = bearer_token(request), self.clock()
        await self.write(lambda tx: accounts.end_session(tx, token, now))
        return Response(status_code=204)

    # ------------------------------------------------------------------ reading

    async def programs(self, request: Request) -> Response:
        return await self._as_user(
            request, lambda tx, user_id, now: programs.list_programs(tx, user_id)
        )

    async def program(self, request: Request) -> Response:
        number = program_number(request)
        return await self._as_user(
            request, lambda tx, user_id, now: programs.program_detail(tx, user_id, number)
        )

    async def agreement(self, request: Request) -> Response:
        return await self._as_user(request, lambda tx, user_id, now: programs.current_agreement(tx))

    async def batch(self, request: Request) -> Response:
        number = program_number(request)
        return await self._as_user(
            request, lambda tx, user_id, now: programs.batch_status(tx, user_id, number)
        )

    async def trust(self, request: Request) -> Response:
        return JSONResponse(self.trust_body)

    # ------------------------------------------------------------------ acting

    async def upload(self, request: Request) -> Response:
        return await uploads.upload(self, request)

    async def accept(self, request: Request) -> Response:
        number = program_number(request)
        body = await json_object(request)
        version = field(body, "version", int, "a whole number")
        return await self._as_user(
            request,
            lambda tx, user_id, now: programs.accept(tx, user_id, number, version, now),
            status=201,
        )

    async def write(self, work: Any) -> Any:
        """Run `work(connection)` in one write transaction, off the event loop."""
        return await run_in_threadpool(self.store.write, work)

    async def _as_user(self, request: Request, answer: Answer, status: int = 200) -> Response:
        """`answer(tx, user_id, now)` as JSON, for the bearer token's user.

        Authentication (which restarts the session's idle clock) and the answer share one
        write transaction.
        """
        token, now = bearer_token(request), self.clock()

        def work(tx: sqlite3.Connection) -> Any:
            return to_json(answer(tx, accounts.authenticate(tx, token, now), now))

        return JSONResponse(await self.write(work), status_code=status)


def _trust(issuers: Sequence[x509.Certificate]) -> Trust:
    from sevis_tui.cert.describe import fingerprint, name_text
    from sevis_tui.cert.factory import der, pem

    return Trust(
        tuple(
            TrustedIssuer(
                subject=name_text(issuer.subject),
                sha256=fingerprint(der(issuer), "sha256"),
                pem=pem(issuer).decode("ascii"),
            )
            for issuer in issuers
        )
    )

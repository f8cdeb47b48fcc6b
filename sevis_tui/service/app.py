"""The registration service as a Starlette app (the API: docs/api.md).

    app = service_app(ServiceConfig(path_to_sqlite, policy, clock=clock, demo=True))

`wiring/local_service.py` builds the ServiceConfig from the settings (`create_app`).

Every answer that is not a success has the one error shape
`{"error": {"code", "message", "remedy"}}` (+ `"findings"` for rejected certificates); every
code is listed in docs/api.md. Each endpoint authenticates before it looks at the request's
shape, and every refusal of every endpoint goes to the audit log (`Service.respond`). Answers
are the contract's types (`sevis_tui.contract`), encoded by its codec; failures leave through
the app's exception_handlers (service/web.py), the unexpected ones as 500 internal_error.

Each request runs in one worker thread from start to end (one hop off the event loop): its
transactions, the password check and the certificate check.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from sevis_tui.contract import (
    AcceptanceRequest,
    Answer,
    Health,
    LoginRequest,
    Trust,
    TrustedIssuer,
    encode,
)
from sevis_tui.service import accounts, programs, registrations, uploads
from sevis_tui.service.caller import Caller
from sevis_tui.service.config import ServiceConfig
from sevis_tui.service.errors import ApiError
from sevis_tui.service.passwords import burn_time, control_problem, verify_password
from sevis_tui.service.requests import MAX_JSON_BYTES, decode
from sevis_tui.service.store import Clock, Storage, Tx, open_store
from sevis_tui.service.web import (
    api_error_answer,
    bearer_token,
    http_error_answer,
    internal_error_answer,
    json_answer,
    program_number,
    read_limited,
)

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert import Policy

log = logging.getLogger("sevis_tui.service")

# What a request answers: a contract answer, a list of them, or nothing (204).
Reply = Answer | Sequence[Answer] | None
# The work of a request, given its caller.
Work = Callable[[Caller], Reply]
# What a signed-in request answers, given its transaction, user ID and time; or the ApiError
# of a refusal that the transaction recorded (raised once the transaction committed).
AsUser = Callable[[Tx, str, dt.datetime], Reply | ApiError]


def service_app(config: ServiceConfig) -> Starlette:
    """The service over the SQLite file `config.database` (created and migrated as needed).

    `config.demo` seeds the demo programs, officials and user (`demo_programs` more programs).
    """
    from sevis_tui.service.agreement import ensure_agreement
    from sevis_tui.service.demo import seed, seed_extra_programs

    clock = config.clock
    store = open_store(config.database, busy_timeout=config.busy_timeout)
    store.migrate()
    try:
        store.write(ensure_agreement)
        if config.demo:
            store.write(lambda tx: seed(tx, clock()))
            if config.demo_programs:
                store.write(lambda tx: seed_extra_programs(tx, config.demo_programs, clock()))
    except ApiError as error:
        # A read-only or locked database: serve anyway; writes will answer 503 and say why.
        log.warning("could not prepare the database %s: %s", config.database, error.message)
    service = Service(store, clock, config.policy)
    api = [
        Route("/health", service.health, methods=["GET"]),
        Route("/session", service.login, methods=["POST"]),
        Route("/session", service.logout, methods=["DELETE"]),
        Route("/programs", service.programs, methods=["GET"]),
        Route("/programs/{number}", service.program, methods=["GET"]),
        Route("/batch/agreement", service.agreement, methods=["GET"]),
        Route("/programs/{number}/batch/acceptance", service.accept, methods=["POST"]),
        Route("/programs/{number}/batch/certificate", service.upload, methods=["POST"]),
        Route("/programs/{number}/batch", service.batch, methods=["GET"]),
        Route("/batch/registrations", service.registered_with, methods=["GET"]),
        Route("/trust", service.trust, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=[Mount("/api/v1", routes=api)],
        exception_handlers={
            ApiError: api_error_answer,
            HTTPException: http_error_answer,
            Exception: internal_error_answer,
        },
    )
    app.state.service = service
    return app


class Service:
    def __init__(self, store: Storage, clock: Clock, policy: Policy) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        # The accepted issuers never change while the service runs: render GET /trust once.
        self.trust_body = encode(_trust(policy.accepted_issuers))
        self.health_body = encode(Health(status="ok"))
        self.openapi_body: bytes | None = None

    # ------------------------------------------------------------------ sessions

    async def health(self, request: Request) -> Response:
        return json_answer(self.health_body)

    async def login(self, request: Request) -> Response:
        raw = await read_limited(request, MAX_JSON_BYTES)
        return await self.respond("login", "", lambda caller: self._login(caller, raw))

    def _login(self, caller: Caller, raw: bytes | None) -> Reply:
        body = decode(raw, LoginRequest)
        account = self.store.read(lambda tx: accounts.find_account(tx, body.user_id))
        # A refusal's audit line names the account, never the text of an ID that matches none.
        caller.user_id = (
            body.user_id
            if account is not None
            else self.store.read(lambda tx: accounts.unknown_user_label(tx, body.user_id))
        )
        problem = control_problem(body.password)
        if problem:
            raise ApiError(
                400,
                "invalid_field",
                f"The password is not acceptable: {problem}.",
                "Type the password itself, without control characters.",
                field="password",
            )
        if account is None:
            burn_time(body.password)  # as long as a real check, so the ID's existence is hidden
            ok = False
        else:
            ok = verify_password(body.password, account.password)
        now = self.clock()
        return _raised(
            self.store.write(lambda tx: accounts.finish_login(tx, body.user_id, ok, now))
        )

    async def logout(self, request: Request) -> Response:
        token = bearer_token(request)

        def work(caller: Caller) -> None:
            now = self.clock()

            def end(tx: Tx) -> None:
                caller.user_id = accounts.authenticate(tx, token, now, touch=False)
                accounts.end_session(tx, token, caller.user_id, now)

            self.store.write(end)

        await self.respond("logout", "", work)
        return Response(status_code=204)

    # ------------------------------------------------------------------ reading

    async def programs(self, request: Request) -> Response:
        return await self._as_user(
            request, "programs", lambda tx, user_id, now: programs.list_programs(tx, user_id)
        )

    async def program(self, request: Request) -> Response:
        number = program_number(request)
        return await self._as_user(
            request,
            "program",
            lambda tx, user_id, now: programs.program_detail(tx, user_id, number),
            program=number,
        )

    async def agreement(self, request: Request) -> Response:
        return await self._as_user(
            request, "agreement", lambda tx, user_id, now: programs.current_agreement(tx)
        )

    async def batch(self, request: Request) -> Response:
        number = program_number(request)
        return await self._as_user(
            request,
            "batch",
            lambda tx, user_id, now: programs.batch_status(tx, user_id, number),
            program=number,
        )

    async def registered_with(self, request: Request) -> Response:
        sha256 = request.query_params.get("sha256", "")[:200]
        return await self._as_user(
            request,
            "registrations",
            lambda tx, user_id, now: registrations.registered_with(tx, user_id, sha256),
        )

    async def trust(self, request: Request) -> Response:
        return json_answer(self.trust_body)

    async def openapi(self, request: Request) -> Response:
        """The OpenAPI document (service/openapi.py), rendered on first use."""
        if self.openapi_body is None:
            from sevis_tui.service.openapi import rendered

            self.openapi_body = rendered()
        return json_answer(self.openapi_body)

    # ------------------------------------------------------------------ acting

    async def upload(self, request: Request) -> Response:
        upload = await uploads.read_upload(request)

        def work(caller: Caller) -> Reply:
            return uploads.register_upload(self.store, self.policy, self.clock(), caller, upload)

        return await self.respond("upload", upload.number, work, status=201)

    async def accept(self, request: Request) -> Response:
        number = program_number(request)
        raw = await read_limited(request, MAX_JSON_BYTES)

        def accepted(tx: Tx, user_id: str, now: dt.datetime) -> Reply | ApiError:
            version = decode(raw, AcceptanceRequest).version
            return programs.accept(tx, user_id, number, version, now)

        return await self._as_user(request, "accept", accepted, program=number, status=201)

    # ------------------------------------------------------------------ the frame

    async def respond(self, action: str, program: str, work: Work, status: int = 200) -> Response:
        """`work(caller)` as JSON, run in one worker thread; a refusal is audited first."""
        body = await run_in_threadpool(self._audited, action, program, work)
        return json_answer(body, status)

    def _audited(self, action: str, program: str, work: Work) -> bytes:
        caller = Caller()
        try:
            return encode(work(caller))
        except ApiError as error:
            if not error.audited and error.status < 500:
                self._audit_refusal(caller, action, program, error)
            raise

    def _audit_refusal(self, caller: Caller, action: str, program: str, error: ApiError) -> None:
        detail = f"{caller.detail}: {error.message}" if caller.detail else error.message
        now = self.clock()
        try:
            self.store.write(
                lambda tx: accounts.audit(
                    tx, now, caller.user_id, action, error.code, program=program, detail=detail
                )
            )
        except ApiError as problem:  # the store is down: the refusal stands, the log says so
            log.warning("could not audit a refusal (%s %s): %s", action, error.code, problem)
        error.audited = True

    async def _as_user(
        self,
        request: Request,
        action: str,
        answer: AsUser,
        *,
        program: str = "",
        status: int = 200,
    ) -> Response:
        """`answer(tx, user_id, now)` as JSON, for the bearer token's user.

        Authentication (which restarts the session's idle clock) and the answer share one
        write transaction.
        """
        token = bearer_token(request)

        def work(caller: Caller) -> Reply:
            now = self.clock()

            def transaction(tx: Tx) -> Reply | ApiError:
                caller.user_id = accounts.authenticate(tx, token, now)
                return answer(tx, caller.user_id, now)

            return _raised(self.store.write(transaction))

        return await self.respond(action, program, work, status)


def _raised(outcome: Reply | ApiError) -> Reply:
    """The answer of a committed transaction; a refusal it recorded is raised now."""
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


def _trust(issuers: Sequence[x509.Certificate]) -> Trust:
    from sevis_tui.cert.describe import fingerprint, name_text
    from sevis_tui.cert.encoding import der, pem

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

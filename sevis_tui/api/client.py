"""The typed async client of the registration service: one method per endpoint.

Results are the answers of the wire contract (`sevis_tui.contract`, docs/api.md); every failure
is a `SevisError` subclass (see `sevis_tui.api.errors`) with a message fit to show an officer;
an answer that does not decode into its contract type is a MalformedResponse. Idempotent calls
(GETs, logout, and uploads, which carry an Idempotency-Key) are retried with backoff after a
dropped connection, a timeout or a 502/503/504; logins and acceptances are never retried.

Open one with `sevis_tui.api.remote.open_remote_client(settings)` (the app's
`sevis_tui.wiring.embedded.open_client` also opens the in-process demo service), or build it around
your own `httpx.AsyncClient` whose base_url is `api_base_url(server_url)`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import ssl
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import msgspec

from sevis_tui.api import errors
from sevis_tui.api.errors import SevisError
from sevis_tui.contract import (
    Acceptance,
    AcceptanceRequest,
    Agreement,
    BatchStatus,
    CertificatePrograms,
    Confirmation,
    ErrorReply,
    LoginRequest,
    LoginResult,
    ProgramDetail,
    ProgramSummary,
    Trust,
    decode,
    encode,
    where_and_what,
)

API_PREFIX = "/api/v1"
RETRY_STATUSES = frozenset({502, 503, 504})
Model = TypeVar("Model")


def new_idempotency_key() -> str:
    """A fresh Idempotency-Key: one per file the officer decides to upload; reuse it on retry."""
    return secrets.token_urlsafe(18)


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def api_base_url(url: str) -> str:
    """The service's API root for a server URL, ending in `/api/v1/`.

    Accepts the URL with or without a trailing slash and with or without `/api/v1`. Refuses
    anything but https://, except plain http:// to a loopback address.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise errors.InsecureServerURL(
            f"The server URL {url!r} is not an https:// address.",
            "Set server.url to the service's address, e.g. https://sevis.example.edu.",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise errors.InsecureServerURL(
            f"Refusing plain http:// to {parts.hostname}: passwords would cross the network "
            "unencrypted.",
            "Use the service's https:// address (plain http:// is allowed only for localhost).",
        )
    path = parts.path.rstrip("/")
    if not path.endswith(API_PREFIX):
        path += API_PREFIX
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


class SevisClient:
    """Talks to one registration service; holds the session token after `login`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        retries: int = 2,
        backoff: float = 0.25,
        server_label: str = "",
    ) -> None:
        self.http = http
        self.retries = retries
        self.backoff = backoff
        self.server_label = server_label or str(http.base_url)
        self.token: str | None = None

    async def __aenter__(self) -> SevisClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    # ------------------------------------------------------------------ endpoints

    async def login(self, user_id: str, password: str) -> LoginResult:
        """POST /session. Raises InvalidCredentials, AccountLocked or AccountInactive."""
        response = await self._send(
            "POST",
            "session",
            body=LoginRequest(user_id=user_id, password=password),
            idempotent=False,
            auth=False,
        )
        result = self._read(response, LoginResult, 200)
        self.token = result.token
        return result

    async def logout(self) -> None:
        """DELETE /session. An already-ended session counts as logged out."""
        if self.token is None:
            return
        try:
            response = await self._send("DELETE", "session", idempotent=True)
            if response.status_code not in {204, 401}:
                raise self._error(response)
        finally:
            self.token = None

    async def programs(self) -> list[ProgramSummary]:
        """GET /programs: the programs where the user is RO or ARO."""
        response = await self._send("GET", "programs", idempotent=True)
        return list(self._read(response, tuple[ProgramSummary, ...], 200, "programs"))

    async def program(self, number: str) -> ProgramDetail:
        """GET /programs/{number}: Program Sponsor Information."""
        response = await self._send("GET", f"programs/{_segment(number)}", idempotent=True)
        return self._read(response, ProgramDetail, 200)

    async def agreement(self) -> Agreement:
        """GET /batch/agreement: the current Batch Processing Agreement."""
        response = await self._send("GET", "batch/agreement", idempotent=True)
        return self._read(response, Agreement, 200)

    async def accept_agreement(self, number: str, version: int) -> Acceptance:
        """POST /programs/{number}/batch/acceptance. Raises StaleAgreement if `version` is old."""
        response = await self._send(
            "POST",
            f"programs/{_segment(number)}/batch/acceptance",
            body=AcceptanceRequest(version=version),
            idempotent=False,
        )
        return self._read(response, Acceptance, 201)

    async def upload_certificate(
        self, number: str, data: bytes, filename: str, idempotency_key: str
    ) -> Confirmation:
        """POST the certificate file's bytes. Raises CertificateRejected (422, with findings),
        AgreementNotAccepted, UploadTooLarge... The same key and bytes give the same confirmation.
        """
        response = await self._send(
            "POST",
            f"programs/{_segment(number)}/batch/certificate",
            content=data,
            params={"filename": filename},
            headers={
                "Idempotency-Key": idempotency_key,
                "Content-Type": "application/octet-stream",
            },
            idempotent=True,  # the Idempotency-Key makes a repeat harmless
        )
        return self._read(response, Confirmation, 201)

    async def batch_status(self, number: str) -> BatchStatus:
        """GET /programs/{number}/batch: the current registration and the history."""
        response = await self._send("GET", f"programs/{_segment(number)}/batch", idempotent=True)
        return self._read(response, BatchStatus, 200)

    async def registered_with(self, sha256: str) -> CertificatePrograms:
        """GET /batch/registrations: which of the user's programs have the certificate with
        this SHA-256 as their current registration."""
        response = await self._send(
            "GET", "batch/registrations", params={"sha256": sha256}, idempotent=True
        )
        return self._read(response, CertificatePrograms, 200)

    async def trust(self) -> Trust:
        """GET /trust: the issuer certificates the service accepts."""
        response = await self._send("GET", "trust", idempotent=True, auth=False)
        return self._read(response, Trust, 200)

    # ------------------------------------------------------------------ plumbing

    async def _send(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        auth: bool = True,
        body: msgspec.Struct | None = None,
        content: bytes | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            content = encode(body)
            all_headers["Content-Type"] = "application/json"
        if auth and self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self.http.request(
                    method, path, content=content, params=params, headers=all_headers
                )
            except httpx.TransportError as error:
                failure = self._transport_error(error)
                if last or isinstance(failure, errors.TLSFailure):
                    raise failure from None
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
            await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _transport_error(self, error: httpx.TransportError) -> SevisError:
        where = self.server_label
        if isinstance(error, httpx.TimeoutException):
            return errors.ServiceTimeout(
                f"The service at {where} did not answer in time.",
                "Try again in a minute; if it keeps happening, check the network or raise "
                "server.timeout.",
            )
        if _caused_by_tls(error):
            return errors.TLSFailure(
                f"The TLS certificate of {where} could not be verified ({_reason(error)}).",
                "Check the server URL; for a private CA set server.ca_bundle to its PEM file.",
            )
        return errors.ConnectionFailed(
            f"Cannot reach the service at {where} ({_reason(error)}).",
            "Check that the service is running and the server URL is right, then try again.",
        )

    def _read(
        self, response: httpx.Response, model: type[Model], status: int, where: str = "response"
    ) -> Model:
        """The body as `model`; `where` names it in a malformed-answer message."""
        if response.status_code != status:
            raise self._error(response)
        try:
            return decode(response.content, model)
        except msgspec.ValidationError as error:
            place, problem = where_and_what(error, where)
            raise errors.MalformedResponse(
                f"The service's answer is malformed: {place} is not as documented ({problem}).",
                "The service may be a different version; tell its administrator.",
                status=response.status_code,
            ) from None
        except msgspec.DecodeError:
            raise errors.MalformedResponse(
                f"The service at {self.server_label} answered something that is not JSON.",
                "Check that server.url points at a sevis-tui registration service.",
                status=response.status_code,
            ) from None

    def _error(self, response: httpx.Response) -> SevisError:
        status = response.status_code
        try:
            reply = decode(response.content, ErrorReply)
        except (msgspec.ValidationError, msgspec.DecodeError):
            if status >= 500:
                return errors.ServiceUnavailable(
                    f"The service at {self.server_label} had a problem (HTTP {status}).",
                    "Try again in a few minutes; if it persists, tell the service's administrator.",
                    status=status,
                )
            return errors.MalformedResponse(
                f"The service at {self.server_label} answered HTTP {status} without an "
                "explanation.",
                "Check that server.url points at a sevis-tui registration service.",
                status=status,
            )
        body = reply.error
        findings = reply.findings if isinstance(reply.findings, tuple) else ()
        if body.code in {"session_expired", "not_authenticated"}:
            self.token = None
        cls = errors.error_class(body.code, status)
        return cls(
            body.message,
            body.remedy,
            code=body.code,
            status=status,
            findings=findings,
            details=body.extras(),
        )


def _segment(value: str) -> str:
    return quote(value, safe="")


def _caused_by_tls(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(error)
    return "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."

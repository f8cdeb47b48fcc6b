"""The batch client: mutual TLS to the batch interface with the officer's PKCS#12.

    identity = read_pkcs12(data, password)          # the key never leaves memory unencrypted
    async with BatchClient(batch_url, identity, ca_pem=...) as client:
        verdict = await client.check("P-1-00001", "jsmith6544")
        reply = await client.upload("P-1-00001", "jsmith6544", xml, "batch.xml", batch_id)
        archive = await client.download("P-1-00001", "jsmith6544", batch_id)

Replies are the listener's XML (docs/api.md, Batch interface), read with defusedxml. A
refusal by the TLS handshake carries no reply: the batch server closes the connection once it
has seen the certificate (asyncio's TLS does not send the alert), which `check` reports as
"the handshake refused the certificate". No Textual here.
"""

from __future__ import annotations

import secrets
import socket
import ssl
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import defusedxml
import defusedxml.ElementTree as SafeET
import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from sevis_tui.api.errors import SevisError
from sevis_tui.cert.describe import fingerprint
from sevis_tui.cert.encoding import der
from sevis_tui.storage.ssl_identity import load_identity

if TYPE_CHECKING:
    import datetime as dt
    from types import TracebackType

PREFIX = "/sevisbatch/action/"
MAX_REPLY_BYTES = 1024 * 1024
BATCH_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_batch_id(now: dt.datetime) -> str:
    """A fresh 14-character batch ID: the day (8 digits), then 6 random letters and digits."""
    return now.strftime("%Y%m%d") + "".join(secrets.choice(BATCH_ID_ALPHABET) for _ in range(6))


class BatchError(SevisError):
    """The batch interface could not be used; `code` says why (see `Verdict.kind`)."""

    default_code = "batch_error"


# --------------------------------------------------------------------------- the identity


@dataclass(frozen=True)
class BatchIdentity:
    """The key and certificate of a PKCS#12 file, as the batch client presents them."""

    key: Any  # a cryptography private key
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def sha256(self) -> str:
        return fingerprint(der(self.certificate), "sha256")


def read_pkcs12(
    data: bytes, password: bytes | bytearray | None, name: str = "the file"
) -> BatchIdentity:
    """The key and certificate in a PKCS#12 file. BatchError codes: wrong_password (or not a
    PKCS#12 file), no_key, no_certificate, key_mismatch."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            data, bytes(password) if password else None
        )
    except ValueError:
        raise BatchError(
            f"The password does not open {name}, or it is not a PKCS#12 (.p12/.pfx) file.",
            "Type the PKCS#12 file's password again (letter case counts), or choose the "
            ".p12/.pfx file your batch client uses.",
            code="wrong_password",
        ) from None
    return identity_from(key, certificate, tuple(chain), name)


def identity_from(
    key: Any, certificate: x509.Certificate | None, chain: tuple[x509.Certificate, ...], name: str
) -> BatchIdentity:
    """A key and certificate checked to belong together (PKCS#12 tools other than ours may
    put any key beside any certificate)."""
    if key is None:
        raise BatchError(
            f"{name} holds no private key.",
            "Choose the PKCS#12 file that holds your key and certificate (the batch client's).",
            code="no_key",
        )
    if certificate is None:
        raise BatchError(
            f"{name} holds a key but no certificate for it.",
            "Make the PKCS#12 again with your certificate (sevis-tui make-p12, or your vendor's "
            "tool).",
            code="no_certificate",
        )
    if _public(key.public_key()) != _public(certificate.public_key()):
        raise BatchError(
            f"The key and the certificate in {name} do not match: the certificate was issued "
            "for another key.",
            "Make the PKCS#12 again from your key and the certificate issued for it; TLS cannot "
            "work with this pair.",
            code="key_mismatch",
        )
    return BatchIdentity(key, certificate, chain)


def _public(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


# --------------------------------------------------------------------------- replies


@dataclass(frozen=True)
class BatchReply:
    """One XML reply of the listener."""

    accepted: bool
    code: str
    reason: str
    message: str
    remedy: str
    status: int
    details: dict[str, str] = field(default_factory=dict)  # the accepted element's attributes
    presented: str = ""
    registered: dict[str, str] = field(default_factory=dict)
    # A refused batch file's problems: code, line, path, message, remedy.
    findings: list[dict[str, str]] = field(default_factory=list)


def parse_reply(body: bytes, status: int) -> BatchReply:
    try:
        root = SafeET.fromstring(body[:MAX_REPLY_BYTES], forbid_dtd=True)
    except (defusedxml.DefusedXmlException, SafeET.ParseError):
        raise BatchError(
            f"The batch server answered HTTP {status} with something that is not its XML reply.",
            "Check that the batch URL points at the batch interface (…/sevisbatch/action).",
            code="malformed_reply",
            status=status,
        ) from None
    if root.tag != "SEVISBatchReply":
        raise BatchError(
            f"The batch server's reply is not a SEVISBatchReply (HTTP {status}).",
            "Check that the batch URL points at the batch interface.",
            code="malformed_reply",
            status=status,
        )
    details: dict[str, str] = {}
    presented, registered = "", {}
    findings: list[dict[str, str]] = []
    for child in root:
        if child.tag in {"Message", "Remedy", "Docs"}:
            continue
        if child.tag == "Finding":
            findings.append(
                {
                    **child.attrib,
                    "message": (child.text or "").strip(),
                    "remedy": (child.findtext("Remedy") or "").strip(),
                }
            )
        elif child.tag == "Presented":
            presented = child.get("sha256", "")
        elif child.tag == "Registered":
            registered = dict(child.attrib)
        else:
            details = dict(child.attrib)
    return BatchReply(
        accepted=root.get("status") == "accepted",
        code=root.get("code", ""),
        reason=root.get("reason", ""),
        message=(root.findtext("Message") or "").strip(),
        remedy=(root.findtext("Remedy") or "").strip(),
        status=status,
        details=details,
        presented=presented,
        registered=registered,
        findings=findings,
    )


# --------------------------------------------------------------------------- the client


def client_context(
    identity: BatchIdentity, *, ca_pem: str | None = None, ca_bundle: str = ""
) -> ssl.SSLContext:
    """TLS for the batch client: trust the batch server's CA, present the identity."""
    if ca_pem:
        context = ssl.create_default_context(cadata=ca_pem)
    elif ca_bundle:
        context = ssl.create_default_context(cafile=ca_bundle)
    else:
        context = ssl.create_default_context()
        if context.cert_store_stats().get("x509_ca", 0) == 0:
            import certifi

            context.load_verify_locations(cafile=certifi.where())
    load_identity(context, identity.key, [identity.certificate, *identity.chain])
    return context


class BatchClient:
    """Talks to one batch interface with one identity (one TLS connection, kept alive)."""

    def __init__(
        self,
        base_url: str,
        identity: BatchIdentity,
        *,
        ca_pem: str | None = None,
        ca_bundle: str = "",
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.identity = identity
        context = client_context(identity, ca_pem=ca_pem, ca_bundle=ca_bundle)
        # TCP_NODELAY: an upload's body is not held back waiting for the headers' ACK.
        transport = httpx.AsyncHTTPTransport(
            verify=context, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        self.http = httpx.AsyncClient(base_url=self.base_url, transport=transport, timeout=timeout)

    async def __aenter__(self) -> BatchClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def check(self, orgid: str, userid: str) -> BatchReply:
        return await self._reply("GET", "check", params={"orgid": orgid, "userid": userid})

    async def upload(
        self, orgid: str, userid: str, xml: bytes, filename: str, batch_id: str
    ) -> BatchReply:
        return await self._reply(
            "POST",
            "batchUpload",
            data={"orgid": orgid, "batchid": batch_id, "userid": userid},
            files={"xml": (filename, xml, "application/xml")},
        )

    async def download(
        self, orgid: str, userid: str, batch_id: str, *, form: bool = False
    ) -> bytes | BatchReply:
        """The ZIP with the transaction log, or the refusal. Asked with a GET query, or
        (`form`) a POST form, as some batch clients do."""
        fields = {"orgid": orgid, "batchid": batch_id, "userid": userid}
        if form:
            response = await self._send("POST", "batchDownload", data=fields)
        else:
            response = await self._send("GET", "batchDownload", params=fields)
        if response.status_code == 200 and response.headers.get("content-type", "").startswith(
            "application/zip"
        ):
            return response.content
        return parse_reply(response.content, response.status_code)

    async def _reply(self, method: str, path: str, **options: Any) -> BatchReply:
        response = await self._send(method, path, **options)
        return parse_reply(response.content, response.status_code)

    async def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            return await self.http.request(method, PREFIX + path, **options)
        except httpx.TimeoutException:
            raise BatchError(
                f"The batch interface at {self.base_url} did not answer in time.",
                "Try again in a minute; check the network.",
                code="timeout",
            ) from None
        except httpx.TransportError as error:
            raise transport_failure(self.base_url, error) from None


def transport_failure(where: str, error: BaseException) -> BatchError:
    """What a failed connection means for a batch client."""
    text = _chain_text(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return BatchError(
            f"The batch server at {where} has a TLS certificate this machine does not trust.",
            "Check the batch URL; for a private CA set server.ca_bundle to its PEM file.",
            code="server_untrusted",
        )
    if isinstance(error, httpx.ConnectError) and "SSL" not in text and "TLS" not in text:
        return BatchError(
            f"Cannot reach the batch interface at {where} ({_short(text)}).",
            "Check that the batch listener runs and that the batch URL is right.",
            code="unreachable",
        )
    return BatchError(
        f"The batch server at {where} ended the TLS connection once it saw this certificate: "
        "the handshake refused it.",
        "Its issuer is most likely not one the batch interface accepts: use a certificate from "
        "an accepted issuer (sevis-tui inspect --issuers lists them).",
        code="handshake_refused",
    )


def _chain_text(error: BaseException) -> str:
    parts: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(parts) < 8:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    return " | ".join(parts)


def _short(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."

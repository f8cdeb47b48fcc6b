"""Who may use the batch interface: the registered certificate, an active official.

The TLS client certificate is read from the standard ASGI TLS extension,
`scope["extensions"]["tls"]["client_cert_chain"]` (filled by `tls_scope.py` under uvicorn,
or by whatever server or proxy runs the app). Then, for `orgid` and `userid`
(docs/domain.md, The batch interface):

0. the certificate identifies an official of the program (`may_know`); anyone else gets one
   refusal that says nothing about the program, not even whether it exists;
1. the program exists and has a current registration (S0002 / C0001);
2. the certificate presented is that registration's certificate, byte for byte (C0001, with
   both fingerprints and the registration's date): a replaced certificate is refused from
   the moment the new one is registered;
3. it is valid now, on the service's clock (C0002; the handshake leaves dates to us);
4. the program is active (S0002);
5. `userid` is the RO or an ARO of the program, not locked, and has logged in within 45 days
   (S0003): the same rules as the registration service's logins.
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from sevis_tui.cert.describe import fingerprint
from sevis_tui.contract import PROGRAM_NUMBER
from sevis_tui.service.accounts import (
    INACTIVE_AFTER,
    USER_ID_PATTERN,
    find_account,
    inactive_since,
)
from sevis_tui.service.batch.replies import BatchRefusal, xml_safe
from sevis_tui.service.programs import ACTIVE
from sevis_tui.service.store import Tx, parse_stamp

ORG_ID = re.compile(rf"{PROGRAM_NUMBER.pattern}|[A-Z]{{3}}214F\d{{8}}")  # a program or a school
USER_ID_LIMIT = 64


@dataclass(frozen=True)
class Presented:
    """The client certificate of this connection."""

    der: bytes
    sha256: str  # colon-separated upper-case hex, as cert/ and the registrations table write it
    certificate: x509.Certificate


@dataclass(frozen=True)
class Grant:
    """An authorized request: who, for which program, under which registration."""

    program: str
    user_id: str
    role: str
    confirmation: str
    registered_at: str
    active_until: dt.date


def presented_certificate(scope: Any) -> Presented:
    """The client certificate from the ASGI TLS extension; refuses when there is none."""
    tls = (scope.get("extensions") or {}).get("tls")
    if tls is None:
        # Fail closed: a server that does not report TLS details cannot be trusted here.
        raise BatchRefusal(
            403,
            "C0003",
            "no_tls_details",
            "The batch interface cannot see this connection's TLS client certificate.",
            "Connect over HTTPS to the batch listener itself (sevis-tui serve --batch-port); "
            "a proxy in front of it must pass the client certificate on.",
        )
    chain = list(tls.get("client_cert_chain") or ())
    if not chain:
        raise BatchRefusal(
            403,
            "C0003",
            "no_certificate",
            "The connection presented no client certificate.",
            "Connect with the certificate registered for the program and its private key "
            "(the PKCS#12 file of your batch client).",
        )
    try:
        der = ssl.PEM_cert_to_DER_cert(str(chain[0]))
        certificate = x509.load_der_x509_certificate(der)
    except ValueError:
        raise BatchRefusal(
            403,
            "C0003",
            "unreadable_certificate",
            "The client certificate of this connection could not be read.",
            "Connect with the certificate registered for the program.",
        ) from None
    return Presented(der, fingerprint(der, "sha256"), certificate)


def check_org_id(orgid: str) -> str:
    if not ORG_ID.fullmatch(orgid):
        raise BatchRefusal(
            400,
            "S0002",
            "invalid_organization",
            f"orgid {xml_safe(orgid, 40)!r} is not a program number (e.g. P-1-12345) or "
            "school code.",
            "Send the program number the certificate is registered for as orgid.",
        )
    return orgid


def registered_anywhere(tx: Tx, presented: Presented) -> bool:
    """Is the certificate some program's current registration? (Checked before an upload's
    body is read, so that a stranger cannot make the listener read megabytes.)"""
    row = tx.execute(
        "SELECT 1 FROM registrations WHERE current = 1 AND sha256 = ? LIMIT 1",
        (presented.sha256,),
    ).fetchone()
    return row is not None


def subject_user_ids(certificate: x509.Certificate) -> set[str]:
    """The SEVIS user IDs the certificate's subject names: its UID attributes (as the requests
    made here carry) and a common name that is a user ID (4 to 10 letters and digits)."""
    names = set()
    for oid in (NameOID.USER_ID, NameOID.COMMON_NAME):
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            value = attribute.value if isinstance(attribute.value, str) else ""
            if oid == NameOID.USER_ID or USER_ID_PATTERN.fullmatch(value):
                names.add(value)
    return names


def may_know(tx: Tx, presented: Presented, orgid: str) -> bool:
    """May this certificate learn anything about program `orgid` (its registration, whether it
    exists)? Only when it identifies one of the program's officials: a user ID in its subject,
    or a current registration of it (for any program) made by an official of this one."""
    officials = {
        str(row["user_id"])
        for row in tx.execute("SELECT user_id FROM officials WHERE program = ?", (orgid,))
    }
    if not officials:
        return False
    if subject_user_ids(presented.certificate) & officials:
        return True
    registrants = {
        str(row["user_id"])
        for row in tx.execute(
            "SELECT user_id FROM registrations WHERE current = 1 AND sha256 = ?",
            (presented.sha256,),
        )
    }
    return bool(registrants & officials)


def not_recognized(presented: Presented) -> BatchRefusal:
    """The one refusal for a certificate that may not learn about the program it asked for:
    the same code and words whatever the program, and whether or not it exists."""
    return BatchRefusal(
        403,
        "C0001",
        "not_recognized",
        "This certificate is not accepted for the program given.",
        "Connect with the certificate registered for the program, one that names your SEVIS "
        "user ID or that you registered for another program of yours.",
        presented=presented.sha256,
    )


def authorize(tx: Tx, presented: Presented, orgid: str, userid: str, now: dt.datetime) -> Grant:
    """The grant for this certificate, program and user ID now; BatchRefusal otherwise."""
    check_org_id(orgid)
    if not may_know(tx, presented, orgid):
        raise not_recognized(presented)
    program = tx.execute("SELECT status FROM programs WHERE number = ?", (orgid,)).fetchone()
    if program is None:
        raise BatchRefusal(
            403,
            "S0002",
            "unknown_organization",
            f"There is no program {orgid}.",
            "Check the orgid: the program number the certificate is registered for.",
            presented=presented.sha256,
        )
    registered = _registered(tx, presented, orgid)
    certificate = presented.certificate
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        expired = now > certificate.not_valid_after_utc
        day = certificate.not_valid_after_utc if expired else certificate.not_valid_before_utc
        raise BatchRefusal(
            403,
            "C0002",
            "certificate_expired" if expired else "certificate_not_yet_valid",
            f"The certificate {'expired on' if expired else 'is valid only from'} {day:%Y-%m-%d}.",
            "Renew the certificate with your vendor and register the new one before the next "
            "batch.",
            presented=presented.sha256,
            registered=registered,
        )
    if program["status"] != ACTIVE:
        raise BatchRefusal(
            403,
            "S0002",
            "program_inactive",
            f"Program {orgid} is {program['status']}: it cannot send batches.",
            "Only active programs use the batch interface.",
        )
    return _official(tx, orgid, userid, now, registered)


def _registered(tx: Tx, presented: Presented, orgid: str) -> dict[str, str]:
    """What a later refusal may say of the program's current registration; BatchRefusal when
    there is none, or it is not the certificate presented."""
    current = tx.execute(
        "SELECT certificate_der, sha256, registered_at, confirmation FROM registrations"
        " WHERE program = ? AND current = 1",
        (orgid,),
    ).fetchone()
    if current is None:
        raise BatchRefusal(
            403,
            "C0001",
            "no_registration",
            f"No certificate is registered for batch processing for {orgid}.",
            "Register the certificate first: Program Sponsor Information, Actions, Register "
            "for Batch Processing.",
            presented=presented.sha256,
        )
    registered_at = parse_stamp(current["registered_at"])
    registered = {
        "sha256": str(current["sha256"]),
        "registeredAt": registered_at.isoformat() if registered_at else "",
        "confirmation": str(current["confirmation"]),
    }
    if bytes(current["certificate_der"]) != presented.der:
        raise BatchRefusal(
            403,
            "C0001",
            "certificate_not_registered",
            f"This certificate is not the one registered for {orgid}.",
            "Connect with the registered certificate, or register this one for the program "
            "(it then replaces the registered one).",
            presented=presented.sha256,
            registered=registered,
        )
    return registered


def _official(
    tx: Tx, orgid: str, userid: str, now: dt.datetime, registered: dict[str, str]
) -> Grant:
    shown = xml_safe(userid, 20)
    account = find_account(tx, userid) if 0 < len(userid) <= USER_ID_LIMIT else None
    if account is None:
        raise BatchRefusal(
            403,
            "S0003",
            "unknown_user",
            f"There is no SEVIS user ID {shown!r}.",
            "Send your own SEVIS user ID as userid (case sensitive).",
        )
    role = tx.execute(
        "SELECT role FROM officials WHERE program = ? AND user_id = ?", (orgid, userid)
    ).fetchone()
    if role is None:
        raise BatchRefusal(
            403,
            "S0003",
            "not_an_official",
            f"User ID {shown} is not the RO or an ARO of {orgid}.",
            "Batches are sent under the user ID of one of the program's officials; ask its RO "
            "to add you.",
        )
    if account.locked:
        raise BatchRefusal(
            403,
            "S0003",
            "user_locked",
            f"User ID {shown} is locked after three failed logins.",
            "Ask the service's administrator to unlock it (in SEVIS: the help desk).",
        )
    if account.deactivated:
        raise BatchRefusal(
            403,
            "S0003",
            "user_inactive",
            f"User ID {shown} has been deactivated by the service's administrator.",
            "Ask the administrator to reactivate it (in SEVIS: the help desk).",
        )
    since = inactive_since(account)
    if now - since > INACTIVE_AFTER:
        raise BatchRefusal(
            403,
            "S0003",
            "user_inactive",
            f"User ID {shown} is inactive: it has not logged in for more than 45 days.",
            "Batch users must log in at least once every 45 days; ask the administrator to "
            "reactivate it, then log in.",
        )
    return Grant(
        program=orgid,
        user_id=userid,
        role=str(role["role"]),
        confirmation=registered["confirmation"],
        registered_at=registered["registeredAt"],
        active_until=(since + INACTIVE_AFTER).date(),
    )

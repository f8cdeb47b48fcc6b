"""One verdict for an access check: accepted, or the one thing that is wrong and what to do.

Used by the app (Check batch access) and by `sevis-tui batch check`. The kinds, and the reply
reasons or client failures they come from (docs/api.md, Batch interface):

| kind | from |
|---|---|
| accepted | the listener accepted the certificate, program and user ID |
| not_registered | C0001: another certificate is registered (both fingerprints, its date) |
| no_registration | C0001: the program has no registration yet |
| not_recognized | C0001: the certificate names no official of the program (nothing more is said) |
| expired | C0002: the registered certificate is out of its dates |
| key_mismatch | the PKCS#12's key and certificate do not belong together |
| user_inactive, user_locked | S0003: the 45-day rule, or three failed logins |
| not_an_official | S0003: not the RO or an ARO (or no such user ID) |
| handshake_refused | the TLS handshake refused the certificate (issuer not accepted) |
| organization | S0002: no such program, or not active |
| other | the reason of the reply, or the client failure (wrong_password, unreachable, ...) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from sevis_tui.api.batch_client import BatchError, BatchReply
from sevis_tui.text import formats

KINDS = {
    "certificate_not_registered": "not_registered",
    "no_registration": "no_registration",
    "not_recognized": "not_recognized",
    "certificate_expired": "expired",
    "certificate_not_yet_valid": "expired",
    "user_inactive": "user_inactive",
    "user_locked": "user_locked",
    "not_an_official": "not_an_official",
    "unknown_user": "not_an_official",
    "unknown_organization": "organization",
    "program_inactive": "organization",
    "invalid_organization": "organization",
}

HEADLINES = {
    "accepted": "Accepted: this key, certificate and user ID will be accepted",
    "not_registered": "Refused: this is not the certificate registered for the program",
    "no_registration": "Refused: no certificate is registered for the program",
    "not_recognized": "Refused: this certificate is not accepted for the program",
    "expired": "Refused: the certificate is out of its validity dates",
    "key_mismatch": "Refused: the key and the certificate do not match",
    "user_inactive": "Refused: the user ID is inactive (no login for 45 days)",
    "user_locked": "Refused: the user ID is locked",
    "not_an_official": "Refused: the user ID is not an official of the program",
    "handshake_refused": "Refused: the TLS handshake refused the certificate",
    "organization": "Refused: the program cannot use the batch interface",
}


@dataclass(frozen=True)
class Verdict:
    kind: str
    accepted: bool
    headline: str
    message: str
    remedy: str
    code: str = ""  # the listener's code (S0003, C0001, ...), "" for a client-side finding
    facts: tuple[tuple[str, str], ...] = ()  # labelled values: fingerprints, dates

    def to_dict(self) -> dict[str, object]:
        """JSON-able: the fields in order, the facts as an object (label: value)."""
        fields: dict[str, object] = msgspec.to_builtins(self)
        return fields | {"facts": dict(self.facts)}


def from_reply(reply: BatchReply, presented: str) -> Verdict:
    if reply.accepted:
        details = reply.details
        until = details.get("userActiveUntil", "")
        remedy = "Nothing to do before the first batch."
        if until:
            remedy += (
                f" User ID {details.get('userid', '')} stays active until {until} (log in to "
                "SEVIS at least every 45 days)."
            )
        return Verdict(
            "accepted",
            True,
            HEADLINES["accepted"],
            reply.message,
            remedy,
            facts=(
                ("Program", details.get("orgid", "")),
                ("User ID", f"{details.get('userid', '')} ({details.get('role', '')})"),
                ("Certificate SHA-256", details.get("sha256", presented)),
                ("Registered", moment(details.get("registeredAt", ""))),
                ("Confirmation", details.get("confirmation", "")),
            ),
        )
    kind = KINDS.get(reply.reason, reply.reason or "refused")
    facts: list[tuple[str, str]] = [("This certificate SHA-256", reply.presented or presented)]
    if reply.registered:
        facts.append(("Registered SHA-256", reply.registered.get("sha256", "")))
        facts.append(("Registered on", moment(reply.registered.get("registeredAt", ""))))
        facts.append(("Confirmation", reply.registered.get("confirmation", "")))
    headline = HEADLINES.get(kind, f"Refused: {reply.reason or 'the batch interface refused'}")
    if reply.code:
        headline += f" ({reply.code})"
    return Verdict(kind, False, headline, reply.message, reply.remedy, reply.code, tuple(facts))


def moment(text: str) -> str:
    """An ISO time from the listener, written as the app writes times (2026-12-07 14:05 UTC);
    anything else as it came."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if value.tzinfo is None:
        return text  # a time without its zone: not ours to guess
    return formats.minute_utc(value.astimezone(UTC))


def from_error(error: BatchError, presented: str = "") -> Verdict:
    kind = error.code
    facts = (("This certificate SHA-256", presented),) if presented else ()
    headline = HEADLINES.get(kind, "The check could not be made")
    return Verdict(kind, False, headline, error.message, error.remedy, facts=facts)

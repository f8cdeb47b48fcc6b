"""Certificate registrations: who may upload, Idempotency-Key replays, confirmation numbers,
and making a certificate the program's current registration (the old one stays in history)."""

from __future__ import annotations

import datetime as dt
import secrets

import msgspec

from sevis_tui.contract import (
    CertificatePrograms,
    CertificateSummary,
    Confirmation,
    Finding,
    RegisteredProgram,
    decode,
    encode,
)
from sevis_tui.service.accounts import audit
from sevis_tui.service.errors import ApiError
from sevis_tui.service.programs import (
    ACTIVE,
    accepted_version,
    certificate_summary,
    current_agreement,
    role_in,
)
from sevis_tui.service.store import Row, Tx, parse_stamp, stamp

# Unambiguous when read aloud or typed: no 0/O, 1/I/L, or U.
CONFIRMATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_may_upload(tx: Tx, user_id: str, number: str) -> int:
    """Raise unless the user may register for the program now; returns the agreement version."""
    role_in(tx, user_id, number)
    status = tx.execute("SELECT status FROM programs WHERE number = ?", (number,)).fetchone()
    if status["status"] != ACTIVE:
        raise ApiError(
            409,
            "program_inactive",
            f"Program {number} is {status['status']}: it cannot register a certificate.",
            "Only active programs register for batch processing.",
        )
    current = current_agreement(tx).version
    if accepted_version(tx, user_id, number) != current:
        raise ApiError(
            409,
            "agreement_not_accepted",
            "You have not accepted the current Batch Processing Agreement for this program.",
            "Read and accept the agreement, then upload the certificate again.",
            current_version=current,
        )
    return current


def find_replay(tx: Tx, user_id: str, key: str, request_sha256: str) -> Confirmation | None:
    """The earlier confirmation for this Idempotency-Key, or None; 409 if the file differs."""
    row = tx.execute(
        "SELECT * FROM registrations WHERE user_id = ? AND idempotency_key = ?", (user_id, key)
    ).fetchone()
    if row is None:
        return None
    if row["request_sha256"] != request_sha256:
        raise ApiError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different upload.",
            "Send a new Idempotency-Key for a new file or program.",
        )
    return confirmation(row)


def confirmation(row: Row) -> Confirmation:
    """The Confirmation of a registration, as answered when it was made (and on a replay)."""
    time = parse_stamp(row["registered_at"])
    assert time is not None  # NOT NULL
    return Confirmation(
        number=row["confirmation"],
        program=row["program"],
        user_id=row["user_id"],
        time=time,
        certificate=certificate_summary(row),
        # Stored as the JSON of the findings (the contract's shape) when registered.
        warnings=decode(row["warnings"].encode("utf-8"), tuple[Finding, ...]),
        key_discarded=bool(row["key_discarded"]),
        replaced=row["replaced"],
    )


def new_confirmation_number(tx: Tx, now: dt.datetime) -> str:
    while True:
        code = "".join(secrets.choice(CONFIRMATION_ALPHABET) for _ in range(8))
        number = f"SBR-{now.year}-{code[:4]}-{code[4:]}"
        if not tx.execute(
            "SELECT 1 FROM registrations WHERE confirmation = ?", (number,)
        ).fetchone():
            return number


def register(
    tx: Tx,
    *,
    user_id: str,
    number: str,
    agreement_version: int,
    certificate_der: bytes,
    summary: CertificateSummary,
    warnings: tuple[Finding, ...],
    key_discarded: bool,
    filename: str,
    idempotency_key: str,
    request_sha256: str,
    now: dt.datetime,
) -> Confirmation:
    """Make this certificate the program's current registration; the old one stays in history.

    When it already is, nothing is registered: the answer is that registration's confirmation,
    marked `already_registered` (a second number for the same certificate would only confuse).
    """
    held = _already_held(tx, user_id, number, summary.sha256, now)
    if held is not None:
        return held
    replaced = _retire_current(tx, number, now)
    number_given = new_confirmation_number(tx, now)
    tx.execute(
        "INSERT INTO registrations (confirmation, program, user_id, registered_at,"
        " certificate_der, subject, issuer, not_after, sha256, serial_hex, filename, warnings,"
        " key_discarded, agreement_version, idempotency_key, request_sha256, replaced, current)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
        (
            number_given,
            number,
            user_id,
            stamp(now),
            certificate_der,
            summary.subject,
            summary.issuer,
            stamp(summary.not_after),
            summary.sha256,
            summary.serial_hex,
            filename,
            encode(warnings).decode("utf-8"),
            int(key_discarded),
            agreement_version,
            idempotency_key,
            request_sha256,
            replaced,
        ),
    )
    detail = f"{number_given} sha256 {summary.sha256}"
    if key_discarded:
        detail += "; private key in upload discarded"
    audit(tx, now, user_id, "upload", "ok", program=number, detail=detail)
    row = tx.execute(
        "SELECT * FROM registrations WHERE confirmation = ?", (number_given,)
    ).fetchone()
    return confirmation(row)


def _already_held(
    tx: Tx, user_id: str, number: str, sha256: str, now: dt.datetime
) -> Confirmation | None:
    """The program's current registration when it is this certificate (audited), else None."""
    held = tx.execute(
        "SELECT * FROM registrations WHERE program = ? AND current = 1 AND sha256 = ?",
        (number, sha256),
    ).fetchone()
    if held is None:
        return None
    audit(
        tx,
        now,
        user_id,
        "upload",
        "already_registered",
        program=number,
        detail=f"{held['confirmation']} sha256 {sha256}; nothing registered",
    )
    return msgspec.structs.replace(confirmation(held), already_registered=True)


def _retire_current(tx: Tx, number: str, now: dt.datetime) -> str | None:
    """The program's current registration becomes history; its confirmation number, if any."""
    previous = tx.execute(
        "SELECT id, confirmation FROM registrations WHERE program = ? AND current = 1", (number,)
    ).fetchone()
    if previous is None:
        return None
    tx.execute(
        "UPDATE registrations SET current = 0, replaced_at = ? WHERE id = ?",
        (stamp(now), previous["id"]),
    )
    replaced: str = previous["confirmation"]
    return replaced


# --------------------------------------------------------------------------- reading

_HEX = frozenset("0123456789ABCDEF")


def normalized_sha256(text: str) -> str | None:
    """A SHA-256 fingerprint as stored (`1D:BF:...`, upper case), from 64 hex digits with or
    without colons in any case; None when it is not one."""
    digits = text.strip().replace(":", "").upper()
    if len(digits) != 64 or not set(digits) <= _HEX:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def registered_with(tx: Tx, user_id: str, text: str) -> CertificatePrograms:
    """The user's programs (RO or ARO) whose current registration is this certificate: a
    program where it was replaced, or where the user is no official, is not listed."""
    sha256 = normalized_sha256(text)
    if sha256 is None:
        raise ApiError(
            400,
            "invalid_field",
            "sha256 must be a certificate's SHA-256 fingerprint: 64 hexadecimal digits, "
            "with or without colons.",
            "Send the fingerprint as `sevis-tui inspect` prints it (see docs/api.md).",
            field="sha256",
        )
    rows = tx.execute(
        "SELECT r.program, r.confirmation, r.registered_at, r.user_id FROM registrations r"
        " JOIN officials o ON o.program = r.program AND o.user_id = ?"
        " WHERE r.sha256 = ? AND r.current = 1 ORDER BY r.program",
        (user_id, sha256),
    ).fetchall()
    return CertificatePrograms(
        sha256=sha256,
        programs=tuple(
            RegisteredProgram(
                number=row["program"],
                confirmation=row["confirmation"],
                registered_at=_stamped(row["registered_at"]),
                user_id=row["user_id"],
            )
            for row in rows
        ),
    )


def _stamped(text: str) -> dt.datetime:
    value = parse_stamp(text)
    assert value is not None  # NOT NULL
    return value

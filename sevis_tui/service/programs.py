"""Programs, officials, the agreement, acceptances and certificate registrations.

Functions take an open transaction; the access rule is in `role_in`: an unknown program is a
404, a program where the user is neither RO nor ARO is a 403.
"""

from __future__ import annotations

import datetime as dt

from sevis_tui.contract import (
    Acceptance,
    Address,
    Agreement,
    BatchStatus,
    BatchSummary,
    CertificateSummary,
    Designation,
    Official,
    ProgramAction,
    ProgramDetail,
    ProgramSummary,
    Registration,
)
from sevis_tui.service.accounts import audit
from sevis_tui.service.errors import ApiError
from sevis_tui.service.store import Row, Tx, parse_stamp, stamp

ACTIVE = "PROGRAM ACTIVE"
REGISTER_ACTION = "Register for Batch Processing"
# The Program Sponsor Information menus (docs/domain.md, People and programs); only batch
# registration is ours to do.
MENU: tuple[tuple[str, str], ...] = (
    ("Actions", "Amendment"),
    ("Actions", "Cancel Program"),
    ("Actions", "Change Program Sponsor Name"),
    ("Actions", "Pending Requests"),
    ("Actions", "Redesignation"),
    ("Actions", REGISTER_ACTION),
    ("Actions", "Request Allotment of Forms DS-2019"),
    ("Edits", "Add/Update Officials"),
    ("Edits", "Replace RO"),
    ("Edits", "Update Address"),
)
ELSEWHERE = "Not available in sevis-tui; use SEVIS RTI."


# --------------------------------------------------------------------------- administration


def add_program(
    tx: Tx,
    *,
    number: str,
    name: str,
    sponsor: str,
    street: str,
    city: str,
    state: str,
    postal_code: str,
    categories: tuple[str, ...],
    designated_from: dt.date,
    designated_to: dt.date,
    status: str = ACTIVE,
) -> None:
    if tx.execute("SELECT 1 FROM programs WHERE number = ?", (number,)).fetchone():
        raise ValueError(f"program {number} already exists")
    tx.execute(
        "INSERT INTO programs (number, name, sponsor, street, city, state, postal_code, status,"
        " categories, designated_from, designated_to) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            number,
            name,
            sponsor,
            street,
            city,
            state,
            postal_code,
            status,
            "; ".join(categories),
            designated_from.isoformat(),
            designated_to.isoformat(),
        ),
    )


def add_official(tx: Tx, program: str, user_id: str, role: str) -> None:
    if role not in {"RO", "ARO"}:
        raise ValueError("role must be RO or ARO")
    if not tx.execute("SELECT 1 FROM programs WHERE number = ?", (program,)).fetchone():
        raise ValueError(f"no program {program}")
    if not tx.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone():
        raise ValueError(f"no user with ID {user_id}")
    if role == "RO":
        existing = tx.execute(
            "SELECT user_id FROM officials WHERE program = ? AND role = 'RO'", (program,)
        ).fetchone()
        if existing and existing["user_id"] != user_id:
            raise ValueError(f"{program} already has an RO ({existing['user_id']})")
    tx.execute(
        "INSERT INTO officials (program, user_id, role) VALUES (?,?,?)"
        " ON CONFLICT (program, user_id) DO UPDATE SET role = excluded.role",
        (program, user_id, role),
    )


# The statuses `serve admin set-program-status` sets, by the word it takes.
STATUSES = {"active": ACTIVE, "withdrawn": "WITHDRAWN", "inactive": "INACTIVE"}


def remove_official(tx: Tx, program: str, user_id: str, now: dt.datetime) -> str:
    """`serve admin remove-official`: the user is no longer the RO or an ARO of the program;
    returns the role they had."""
    if not tx.execute("SELECT 1 FROM programs WHERE number = ?", (program,)).fetchone():
        raise ValueError(f"no program {program}")
    row = tx.execute(
        "SELECT role FROM officials WHERE program = ? AND user_id = ?", (program, user_id)
    ).fetchone()
    if row is None:
        raise ValueError(f"{user_id} is not an official of {program}; nothing was changed")
    tx.execute("DELETE FROM officials WHERE program = ? AND user_id = ?", (program, user_id))
    audit(
        tx,
        now,
        user_id,
        "remove-official",
        "ok",
        program=program,
        detail=f"by administrator; was {row['role']}",
    )
    return str(row["role"])


def set_status(tx: Tx, program: str, word: str, now: dt.datetime) -> str:
    """`serve admin set-program-status`: active, withdrawn or inactive; returns the old one."""
    status = STATUSES.get(word)
    if status is None:
        raise ValueError(f"status {word!r}: give one of {', '.join(STATUSES)}")
    row = tx.execute("SELECT status FROM programs WHERE number = ?", (program,)).fetchone()
    if row is None:
        raise ValueError(f"no program {program}")
    tx.execute("UPDATE programs SET status = ? WHERE number = ?", (status, program))
    detail = f"by administrator; {row['status']} -> {status}"
    audit(tx, now, "", "set-program-status", "ok", program=program, detail=detail)
    return str(row["status"])


def publish_agreement(tx: Tx, version: int, title: str, text: str, effective: dt.date) -> bool:
    """Add an agreement version if it is not there yet; True when added."""
    if tx.execute("SELECT 1 FROM agreements WHERE version = ?", (version,)).fetchone():
        return False
    tx.execute(
        "INSERT INTO agreements (version, title, text, effective) VALUES (?,?,?,?)",
        (version, title, text, effective.isoformat()),
    )
    return True


# --------------------------------------------------------------------------- reading


def role_in(tx: Tx, user_id: str, number: str) -> str:
    """The user's role in the program; 404 if there is no such program, 403 if none."""
    if not tx.execute("SELECT 1 FROM programs WHERE number = ?", (number,)).fetchone():
        raise ApiError(
            404,
            "unknown_program",
            f"There is no program {number}.",
            "Check the program number (e.g. P-1-12345) in your listing of programs.",
        )
    row = tx.execute(
        "SELECT role FROM officials WHERE program = ? AND user_id = ?", (number, user_id)
    ).fetchone()
    if row is None:
        raise ApiError(
            403,
            "not_an_official",
            f"You are not the RO or an ARO of program {number}.",
            "Only the program's Responsible Officer or an Alternate RO may do this.",
        )
    return str(row["role"])


def list_programs(tx: Tx, user_id: str) -> list[ProgramSummary]:
    rows = tx.execute(
        "SELECT p.*, o.role FROM programs p JOIN officials o ON o.program = p.number"
        " WHERE o.user_id = ? ORDER BY p.name",
        (user_id,),
    ).fetchall()
    return [
        ProgramSummary(
            number=row["number"],
            name=row["name"],
            city=row["city"],
            state=row["state"],
            status=row["status"],
            role=row["role"],
            batch=batch_summary(tx, row["number"]),
        )
        for row in rows
    ]


def program_detail(tx: Tx, user_id: str, number: str) -> ProgramDetail:
    role = role_in(tx, user_id, number)
    row = tx.execute("SELECT * FROM programs WHERE number = ?", (number,)).fetchone()
    officials = tx.execute(
        "SELECT o.role, u.user_id, u.name, u.email FROM officials o JOIN users u"
        " ON u.user_id = o.user_id WHERE o.program = ? ORDER BY o.role DESC, u.name",
        (number,),
    ).fetchall()
    active = row["status"] == ACTIVE
    actions = tuple(
        ProgramAction(
            name=name,
            enabled=name == REGISTER_ACTION and active,
            reason=("" if active else f"The program's status is {row['status']}.")
            if name == REGISTER_ACTION
            else ELSEWHERE,
            menu=menu,
        )
        for menu, name in MENU
    )
    return ProgramDetail(
        number=number,
        name=row["name"],
        sponsor=row["sponsor"],
        address=Address(row["street"], row["city"], row["state"], row["postal_code"]),
        status=row["status"],
        designation=Designation(
            categories=tuple(part for part in row["categories"].split("; ") if part),
            valid_from=dt.date.fromisoformat(row["designated_from"]),
            valid_to=dt.date.fromisoformat(row["designated_to"]),
        ),
        officials=tuple(
            Official(item["user_id"], item["name"], item["role"], item["email"])
            for item in officials
        ),
        role=role,
        batch=batch_summary(tx, number),
        actions=actions,
    )


def batch_summary(tx: Tx, number: str) -> BatchSummary:
    row = tx.execute(
        "SELECT confirmation, subject, not_after, registered_at, sha256 FROM registrations"
        " WHERE program = ? AND current = 1",
        (number,),
    ).fetchone()
    if row is None:
        return BatchSummary(registered=False, expires=None, subject=None)
    return BatchSummary(
        registered=True,
        expires=parse_stamp(row["not_after"]),
        subject=row["subject"],
        confirmation=row["confirmation"],
        registered_at=parse_stamp(row["registered_at"]),
        sha256=row["sha256"],
    )


def current_agreement(tx: Tx) -> Agreement:
    row = tx.execute("SELECT * FROM agreements ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        raise ApiError(
            503,
            "no_agreement",
            "The service has no Batch Processing Agreement to show.",
            "The administrator must restart the service so it publishes the agreement.",
        )
    return Agreement(
        version=row["version"],
        title=row["title"],
        text=row["text"],
        effective=dt.date.fromisoformat(row["effective"]),
    )


def accepted_version(tx: Tx, user_id: str, number: str) -> int | None:
    row = tx.execute(
        "SELECT MAX(version) AS version FROM acceptances WHERE program = ? AND user_id = ?",
        (number, user_id),
    ).fetchone()
    return None if row["version"] is None else int(row["version"])


def batch_status(tx: Tx, user_id: str, number: str) -> BatchStatus:
    role_in(tx, user_id, number)
    rows = tx.execute(
        "SELECT * FROM registrations WHERE program = ? ORDER BY id DESC", (number,)
    ).fetchall()
    history = tuple(_registration(row) for row in rows)
    current = next((item for item in history if item.current), None)
    return BatchStatus(
        program=number,
        current=current,
        history=history,
        agreement_version=current_agreement(tx).version,
        accepted_version=accepted_version(tx, user_id, number),
    )


def _registration(row: Row) -> Registration:
    return Registration(
        confirmation=row["confirmation"],
        user_id=row["user_id"],
        time=_when(row["registered_at"]),
        certificate=certificate_summary(row),
        current=bool(row["current"]),
        replaced_at=parse_stamp(row["replaced_at"]),
    )


def certificate_summary(row: Row) -> CertificateSummary:
    return CertificateSummary(
        subject=row["subject"],
        issuer=row["issuer"],
        not_after=_when(row["not_after"]),
        sha256=row["sha256"],
        serial_hex=row["serial_hex"],
    )


def _when(text: str) -> dt.datetime:
    value = parse_stamp(text)
    assert value is not None  # NOT NULL columns
    return value


# --------------------------------------------------------------------------- writing


def accept(
    tx: Tx, user_id: str, number: str, version: int, now: dt.datetime
) -> Acceptance | ApiError:
    """Record the acceptance; a stale version is refused, and that refusal is recorded too (the
    audit line is written here, and the ApiError returned for the caller to raise once the
    transaction committed)."""
    role_in(tx, user_id, number)
    current = current_agreement(tx)
    if version != current.version:
        audit(
            tx,
            now,
            user_id,
            "accept",
            "stale_agreement",
            program=number,
            detail=f"version {version}, current {current.version}",
        )
        return ApiError(
            409,
            "stale_agreement",
            f"Agreement version {version} is not the current one (version {current.version}).",
            "Read the current Batch Processing Agreement and accept it.",
            current_version=current.version,
            audited=True,
        )
    tx.execute(
        "INSERT INTO acceptances (program, user_id, version, accepted_at) VALUES (?,?,?,?)"
        " ON CONFLICT (program, user_id, version) DO NOTHING",
        (number, user_id, version, stamp(now)),
    )
    row = tx.execute(
        "SELECT accepted_at FROM acceptances WHERE program = ? AND user_id = ? AND version = ?",
        (number, user_id, version),
    ).fetchone()
    audit(tx, now, user_id, "accept", "ok", program=number, detail=f"version {version}")
    return Acceptance(number, user_id, version, _when(row["accepted_at"]))

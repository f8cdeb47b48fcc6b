"""The demo: its login, its issuing CA, and the programs and officials it seeds.

The seed is idempotent and runs on every start of the embedded service (and `serve --demo`):
it adds what is missing, and keeps the demo user usable (unlocked, recently active) so that a
demo never starts locked out; within a run the lockout rules apply as usual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sevis_tui.service.demo_login import DEMO_PASSWORD as DEMO_PASSWORD
from sevis_tui.service.demo_login import DEMO_USER_ID as DEMO_USER_ID

if TYPE_CHECKING:
    from sevis_tui.service.store import Tx

DEMO_USER_NAME = "Jordan Smith"
DEMO_ISSUER_NAME = "SEVIS Demo Issuing CA"
DEMO_ISSUER_ORGANIZATION = "sevis-tui demo (not a real certificate authority)"


@dataclass(frozen=True)
class DemoProgram:
    number: str
    name: str
    sponsor: str
    street: str
    city: str
    state: str
    postal_code: str
    categories: tuple[str, ...]
    status: str = "PROGRAM ACTIVE"


DEMO_PROGRAMS: tuple[DemoProgram, ...] = (
    DemoProgram(
        "P-1-00001",
        "Northfield University Research Scholar Program",
        "Northfield University",
        "1200 College Avenue",
        "Northfield",
        "MN",
        "55057",
        ("Professor", "Research Scholar"),
    ),
    DemoProgram(
        "P-1-00002",
        "Northfield University Student Exchange",
        "Northfield University",
        "1200 College Avenue",
        "Northfield",
        "MN",
        "55057",
        ("College/University Student",),
    ),
    DemoProgram(
        "P-1-00003",
        "Lakeshore Medical Center Clinical Training",
        "Lakeshore Medical Center",
        "450 East Lake Shore Drive",
        "Chicago",
        "IL",
        "60611",
        ("Physician", "Short-Term Scholar"),
    ),
    DemoProgram(
        "P-1-00004",
        "Cascade State University Visiting Faculty",
        "Cascade State University",
        "3900 University Way NE",
        "Seattle",
        "WA",
        "98105",
        ("Professor", "Specialist"),
    ),
    DemoProgram(
        "P-1-00005",
        "Prairie Community College Teacher Exchange",
        "Prairie Community College",
        "88 Sunflower Road",
        "Lincoln",
        "NE",
        "68508",
        ("Teacher",),
        status="WITHDRAWN",
    ),
)

# (user ID, name, e-mail); the demo user first. Others have no password until an admin sets one.
DEMO_PEOPLE: tuple[tuple[str, str, str], ...] = (
    (DEMO_USER_ID, DEMO_USER_NAME, "jsmith@northfield.example.edu"),
    ("mgarcia221", "Maria Garcia", "mgarcia@northfield.example.edu"),
    ("tnguyen883", "Thao Nguyen", "tnguyen@lakeshore.example.org"),
    ("rpatel4407", "Raj Patel", "rpatel@cascade.example.edu"),
    ("kobrien117", "Kathleen O'Brien", "kobrien@prairie.example.edu"),
)

# (program, user ID, role): the demo user is RO of two programs and ARO of a third.
DEMO_OFFICIALS: tuple[tuple[str, str, str], ...] = (
    ("P-1-00001", DEMO_USER_ID, "RO"),
    ("P-1-00001", "mgarcia221", "ARO"),
    ("P-1-00002", DEMO_USER_ID, "RO"),
    ("P-1-00002", "mgarcia221", "ARO"),
    ("P-1-00003", "tnguyen883", "RO"),
    ("P-1-00003", DEMO_USER_ID, "ARO"),
    ("P-1-00004", "rpatel4407", "RO"),
    ("P-1-00005", "kobrien117", "RO"),
)


def seed(tx: Tx, now: dt.datetime) -> None:
    """Add the demo data that is missing; make the demo user usable again."""
    # Imported here: the login screen reads this module's constants without the store.
    from sevis_tui.service import accounts, programs
    from sevis_tui.service.store import stamp

    for user_id, name, email in DEMO_PEOPLE:
        if tx.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone():
            continue
        if user_id == DEMO_USER_ID:
            accounts.add_user(
                tx,
                user_id,
                name,
                DEMO_PASSWORD,
                now,
                email=email,
                last_login=now - dt.timedelta(days=3),
            )
        else:
            # "!" is no valid hash: nobody logs in as them until `serve admin set-password`.
            tx.execute(
                "INSERT INTO users (user_id, name, email, password, active_since, created_at)"
                " VALUES (?,?,?,'!',?,?)",
                (user_id, name, email, stamp(now), stamp(now)),
            )
    start = dt.date(now.year - 2, 7, 1)
    for item in DEMO_PROGRAMS:
        if tx.execute("SELECT 1 FROM programs WHERE number = ?", (item.number,)).fetchone():
            continue
        programs.add_program(
            tx,
            number=item.number,
            name=item.name,
            sponsor=item.sponsor,
            street=item.street,
            city=item.city,
            state=item.state,
            postal_code=item.postal_code,
            categories=item.categories,
            designated_from=start,
            designated_to=dt.date(start.year + 5, 6, 30),
            status=item.status,
        )
    for number, user_id, role in DEMO_OFFICIALS:
        if not tx.execute(
            "SELECT 1 FROM officials WHERE program = ? AND user_id = ?", (number, user_id)
        ).fetchone():
            programs.add_official(tx, number, user_id, role)
    tx.execute(
        "UPDATE users SET failed_logins = 0, locked_at = NULL, active_since = ? WHERE user_id = ?",
        (stamp(now), DEMO_USER_ID),
    )


def extra_program_number(index: int) -> str:
    """The number of the index-th (1-based) extra demo program: P-2-00001, P-2-00002, ..."""
    return f"P-2-{index:05d}"


def seed_extra_programs(tx: Tx, count: int, now: dt.datetime) -> None:
    """`serve --demo --demo-programs N`: N more active programs with the demo user as RO, for
    rehearsing (and measuring) one certificate registered for many programs. Idempotent."""
    from sevis_tui.service import programs

    start = dt.date(now.year - 1, 7, 1)
    for index in range(1, count + 1):
        number = extra_program_number(index)
        if tx.execute("SELECT 1 FROM programs WHERE number = ?", (number,)).fetchone():
            continue
        programs.add_program(
            tx,
            number=number,
            name=f"Demo Exchange Program {index:02d}",
            sponsor="Northfield University",
            street="1200 College Avenue",
            city="Northfield",
            state="MN",
            postal_code="55057",
            categories=("Research Scholar",),
            designated_from=start,
            designated_to=dt.date(start.year + 5, 6, 30),
        )
        programs.add_official(tx, number, DEMO_USER_ID, "RO")

"""Issue 21: `serve admin` runs the service without editing the database: deactivate and
reactivate a user, remove an official, change a program's status; each audited, each mistake
one line (exit 2). The admin commands and the service share the database and the clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from sevis_tui.cli import main
from sevis_tui.commands import serve_admin
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .conftest import LogIn, MovableClock

Admin = Callable[..., tuple[int, str, str]]


@pytest.fixture
def admin(
    database: Path,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Admin:
    """`sevis-tui serve admin WORDS` on the service's database and clock: (code, out, err)."""
    monkeypatch.setattr(serve_admin, "_now", clock)

    def run(*words: str) -> tuple[int, str, str]:
        code = main(["serve", "admin", *words, "--db", str(database)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def audit_rows(database: Path, action: str) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(database) as db:
        return list(
            db.execute(
                "SELECT user_id, program, result, detail FROM audit WHERE action = ?", (action,)
            )
        )


def one_line_error(code: int, err: str, says: str) -> None:
    assert code == 2 and err.startswith("sevis-tui: ") and err.count("\n") == 1, err
    assert says in err and "Traceback" not in err


async def test_a_deactivated_user_cannot_log_in_until_reactivated(
    admin: Admin, login: LogIn, http: httpx.AsyncClient, database: Path
) -> None:
    auth = await login()
    code, out, _ = admin("deactivate", DEMO_USER_ID)
    assert code == 0 and out == f"deactivated {DEMO_USER_ID}: 1 open session ended\n"
    assert (await http.get("programs", headers=auth)).status_code == 401
    refused = await http.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "account_inactive"
    assert "deactivated" in refused.json()["error"]["message"]
    one_line_error(*admin("deactivate", DEMO_USER_ID)[::2], "already deactivated")
    one_line_error(*admin("deactivate", "nobody0001")[::2], "no user with ID nobody0001")

    assert admin("reactivate", DEMO_USER_ID)[:2] == (0, f"reactivated {DEMO_USER_ID}\n")
    await login()
    assert [row[2:] for row in audit_rows(database, "deactivate")] == [
        ("ok", "by administrator; 1 sessions ended")
    ]
    assert audit_rows(database, "reactivate") == [(DEMO_USER_ID, "", "ok", "by administrator")]
    one_line_error(*admin("reactivate", "nobody0001")[::2], "no user with ID nobody0001")


async def test_removing_an_official_takes_the_program_from_their_list(
    admin: Admin, login: LogIn, http: httpx.AsyncClient, database: Path
) -> None:
    before = await http.get("programs", headers=await login())
    assert "P-1-00002" in before.text
    code, out, _ = admin("remove-official", "P-1-00002", DEMO_USER_ID)
    assert code == 0 and out == f"{DEMO_USER_ID} is no longer RO of P-1-00002\n"
    after = await http.get("programs", headers=await login())
    assert "P-1-00002" not in after.text and "P-1-00001" in after.text
    assert audit_rows(database, "remove-official") == [
        (DEMO_USER_ID, "P-1-00002", "ok", "by administrator; was RO")
    ]
    again = admin("remove-official", "P-1-00002", DEMO_USER_ID)
    one_line_error(again[0], again[2], f"{DEMO_USER_ID} is not an official of P-1-00002")
    one_line_error(*admin("remove-official", "P-1-99999", DEMO_USER_ID)[::2], "no program")
    one_line_error(*admin("remove-official", "P-1-0x", DEMO_USER_ID)[::2], "like P-1-12345")


@pytest.mark.parametrize(
    ("word", "status"),
    [("withdrawn", "WITHDRAWN"), ("inactive", "INACTIVE"), ("active", "PROGRAM ACTIVE")],
)
async def test_a_program_status_changes_and_is_audited(
    admin: Admin,
    auth: dict[str, str],
    http: httpx.AsyncClient,
    database: Path,
    word: str,
    status: str,
) -> None:
    code, out, _ = admin("set-program-status", "P-1-00001", word)
    assert code == 0 and out == f"P-1-00001: PROGRAM ACTIVE -> {status}\n"
    detail = (await http.get("programs/P-1-00001", headers=auth)).json()
    assert detail["status"] == status
    assert audit_rows(database, "set-program-status") == [
        ("", "P-1-00001", "ok", f"by administrator; PROGRAM ACTIVE -> {status}")
    ]
    one_line_error(*admin("set-program-status", "P-1-99999", word)[::2], "no program P-1-99999")


def test_a_status_that_is_not_one_is_refused(admin: Admin) -> None:
    with pytest.raises(SystemExit) as ended:
        admin("set-program-status", "P-1-00001", "paused")
    assert ended.value.code == 2


def test_list_users_shows_who_is_deactivated(admin: Admin) -> None:
    admin("deactivate", "rpatel4407")
    code, out, _ = admin("list-users")
    header, *rows = out.splitlines()
    column = header.index("deactivated")  # the columns are padded to their widths
    states = {row.split()[0]: row[column : column + 1] for row in rows}
    assert code == 0 and states["rpatel4407"] == "1" and states[DEMO_USER_ID] == "0"

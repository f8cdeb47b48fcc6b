"""An outsider against logins, sessions and the audit log, in-process and over real HTTP
(the `api` fixture runs each test both ways): forged audit lines, sessions that outlive a
lockout or a new password, user IDs told apart by their answers, refusals left unaudited."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from sevis_tui.service import passwords
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID

from .support import admin, code

FORGED = "x\n2099-01-01T00:00:00  FORGED-LINE  upload  ok\x1b[2J\x1b]0;owned\x07\r\u2028\u202e"


async def log_in(api: httpx.AsyncClient, password: str = DEMO_PASSWORD) -> dict[str, str]:
    answer = await api.post("session", json={"user_id": DEMO_USER_ID, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def audit_rows(database: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(database) as db:
        return list(db.execute("SELECT user_id, action, program, result FROM audit ORDER BY id"))


# --------------------------------------------------------------------------- 1. forged lines


async def test_a_user_id_cannot_forge_audit_lines(
    api: httpx.AsyncClient, database: Path, clock: Any
) -> None:
    from sevis_tui.service.accounts import audit
    from sevis_tui.service.store import Store

    answer = await api.post("session", json={"user_id": FORGED, "password": "some password 1"})
    assert (answer.status_code, code(answer)) == (401, "invalid_credentials")
    # A user ID that matches no account is never logged as sent (test_unknown_user_ids.py)...
    ((named, *_),) = audit_rows(database)
    assert named.startswith("unknown-") and named.isprintable()
    # ...and whatever text does reach the log is printed escaped.
    Store(database).write(lambda tx: audit(tx, clock.now, FORGED, "login", "invalid_credentials"))

    printed = admin(database, "audit")
    assert printed.returncode == 0, printed.stderr
    out = printed.stdout
    # The terminal gets no control byte but the line ends, and no C1 control or U+2028/U+202E.
    assert not {byte for byte in out if (byte < 0x20 and byte != 0x0A) or byte == 0x7F}
    text = out.decode("utf-8")
    assert not {"\u2028", "\u202e"} & set(text) and not any(0x80 <= ord(c) < 0xA0 for c in text)
    lines = text.splitlines()
    assert len(lines) == 3, lines  # the header and two events: one event, one line
    assert not any(line.startswith("2099") for line in lines)
    assert (
        "x\\n2099-01-01T00:00:00  FORGED-LINE  upload  ok\\x1b[2J\\x1b]0;owned\\x07\\r"
        "\\u2028\\u202e  login" in lines[2]
    )

    as_json = admin(database, "audit", "--json")
    assert as_json.returncode == 0 and as_json.stdout.isascii()
    _, event = json.loads(as_json.stdout)
    assert event["user_id"] == FORGED and event["result"] == "invalid_credentials"


def test_audit_escapes_backslashes_so_an_escape_cannot_be_faked(database: Path, clock: Any) -> None:
    from sevis_tui.service.accounts import audit
    from sevis_tui.service.store import Store

    Store(database).write(lambda tx: audit(tx, clock.now, "a\\nb", "login", "ok"))
    Store(database).write(lambda tx: audit(tx, clock.now, "a\nb", "login", "ok"))
    lines = admin(database, "audit").stdout.decode().splitlines()
    assert [line.split()[1] for line in lines[1:]] == ["a\\\\nb", "a\\nb"]


# --------------------------------------------------------------------------- 2. sessions


async def test_a_new_password_ends_the_users_sessions(
    api: httpx.AsyncClient, database: Path
) -> None:
    headers = await log_in(api)
    assert (await api.get("programs", headers=headers)).status_code == 200
    new = "a brand new password"
    changed = admin(database, "set-password", DEMO_USER_ID, stdin=new.encode() + b"\n")
    assert changed.returncode == 0, changed.stderr
    assert b"1 open session ended" in changed.stdout
    after = await api.get("programs", headers=headers)
    assert (after.status_code, code(after)) == (401, "not_authenticated")
    old = await api.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
    assert old.status_code == 401
    assert (await api.get("programs", headers=await log_in(api, new))).status_code == 200


async def test_a_lockout_ends_the_users_sessions(api: httpx.AsyncClient, database: Path) -> None:
    headers = await log_in(api)
    for attempt in range(3):  # from elsewhere: no token involved
        await api.post("session", json={"user_id": DEMO_USER_ID, "password": f"wrong {attempt}"})
    after = await api.get("programs", headers=headers)
    assert (after.status_code, code(after)) == (401, "not_authenticated")
    assert admin(database, "unlock", DEMO_USER_ID).returncode == 0
    assert (await api.get("programs", headers=headers)).status_code == 401  # stays ended
    assert (await api.get("programs", headers=await log_in(api))).status_code == 200


async def test_admin_logout_ends_every_session_of_the_user(
    api: httpx.AsyncClient, database: Path
) -> None:
    first, second = await log_in(api), await log_in(api)
    done = admin(database, "logout", DEMO_USER_ID)
    assert done.returncode == 0 and b"2 open sessions ended" in done.stdout
    for headers in (first, second):
        assert (await api.get("programs", headers=headers)).status_code == 401
    assert (DEMO_USER_ID, "logout", "", "ok") in audit_rows(database)
    unknown = admin(database, "logout", "ghost00001")
    assert unknown.returncode == 2 and b"no user with ID ghost00001" in unknown.stderr


# --------------------------------------------------------------------------- 3. enumeration


async def test_wrong_logins_answer_alike_whether_or_not_the_user_id_exists(
    api: httpx.AsyncClient,
) -> None:
    # A real account, a demo official without a password, and an ID that does not exist.
    answers: dict[str, list[tuple[int, Any]]] = {}
    for user_id in (DEMO_USER_ID, "mgarcia221", "nobody0000"):
        answers[user_id] = []
        for attempt in range(4):
            body = {"user_id": user_id, "password": f"wrong password {attempt}"}
            response = await api.post("session", json=body)
            answers[user_id].append((response.status_code, response.json()))
    real, official, unknown = answers.values()
    assert real == official == unknown
    assert [status for status, _ in real] == [401, 401, 423, 423]
    assert [body["error"].get("attempts_left") for _, body in real[:2]] == [2, 1]


def test_accounts_without_a_password_cost_a_full_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int, int]] = []
    real = passwords._scrypt

    def counted(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(passwords, "_scrypt", counted)
    stored = passwords.hash_password("the right password")
    calls.clear()
    assert not passwords.verify_password("a wrong password", stored)
    assert not passwords.verify_password("a wrong password", "!")  # a demo official
    passwords.burn_time("a wrong password")  # an unknown user ID
    standard = (passwords.SCRYPT_N, passwords.SCRYPT_R, passwords.SCRYPT_P)
    assert calls == [standard] * 3


# --------------------------------------------------------------------------- 4. refusals

AUTH = object()  # stands for the demo user's Authorization header
REFUSALS = [
    # (method, path, options, with the session?, status, code, action, program)
    ("GET", "programs", {}, False, 401, "not_authenticated", "programs", ""),
    ("GET", "programs/P-1-00004", {}, True, 403, "not_an_official", "program", "P-1-00004"),
    ("GET", "programs/P-9-99999/batch", {}, True, 404, "unknown_program", "batch", "P-9-99999"),
    ("GET", "batch/agreement", {"headers": {"Authorization": "Bearer x"}}, False, 401,
     "not_authenticated", "agreement", ""),
    ("POST", "programs/P-1-00004/batch/acceptance", {"json": {"version": 1}}, True, 403,
     "not_an_official", "accept", "P-1-00004"),
    ("POST", "programs/P-1-00001/batch/acceptance", {"content": b"{"}, True, 400,
     "malformed_json", "accept", "P-1-00001"),
    ("POST", "programs/P-1-00001/batch/certificate", {"content": b"x"}, True, 400,
     "missing_idempotency_key", "upload", "P-1-00001"),
    ("POST", "programs/P-1-00004/batch/certificate",
     {"content": b"x", "headers": {"Idempotency-Key": "k"}}, True, 403, "not_an_official",
     "upload", "P-1-00004"),
    ("POST", "programs/P-1-00001/batch/certificate",
     {"content": b"x", "headers": {"Idempotency-Key": "k"}}, True, 409,
     "agreement_not_accepted", "upload", "P-1-00001"),
    ("DELETE", "session", {}, False, 401, "not_authenticated", "logout", ""),
    ("POST", "session", {"content": b"[1]"}, False, 400, "malformed_json", "login", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "options", "signed_in", "status", "expected", "action", "program"),
    REFUSALS,
    ids=[f"{item[0]} {item[1]} {item[5]}" for item in REFUSALS],
)
async def test_every_refusal_is_audited(
    api: httpx.AsyncClient,
    database: Path,
    method: str,
    path: str,
    options: dict[str, Any],
    signed_in: bool,
    status: int,
    expected: str,
    action: str,
    program: str,
) -> None:
    options = {
        key: (dict(value) if isinstance(value, dict) else value) for key, value in options.items()
    }
    if signed_in:
        options.setdefault("headers", {}).update(await log_in(api))
    before = len(audit_rows(database))
    response = await api.request(method, path, **options)
    assert (response.status_code, code(response)) == (status, expected)
    added = audit_rows(database)[before:]
    assert added == [(DEMO_USER_ID if signed_in else "", action, program, expected)]

"""Users, logins and sessions: lockout after three failures, inactivity after 45 days,
sessions that end after 20 idle minutes. Functions take an open transaction and `now`.

A wrong login answers alike whether or not the user ID exists: the same 401 with the same
`attempts_left`, and the same 423 after three failures, because failures for unknown user IDs
are counted too (table unknown_logins). A lockout and a new password end the user's sessions.

A user ID that matches no account is never stored or logged as typed: it may be a password typed
into the wrong field. unknown_logins keys its count by an HMAC of it under this database's own
random secret, and the audit log names it `unknown-` and that HMAC's first 12 hex digits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sevis_tui.contract import USER_ID, LoginResult, User
from sevis_tui.service import errors
from sevis_tui.service.errors import ApiError
from sevis_tui.service.passwords import hash_password, password_problem
from sevis_tui.service.store import Tx, parse_stamp, stamp

MAX_FAILURES = 3
INACTIVE_AFTER = dt.timedelta(days=45)
IDLE_LIMIT = dt.timedelta(minutes=20)
USER_ID_PATTERN = USER_ID


def audit(
    tx: Tx,
    now: dt.datetime,
    user_id: str,
    action: str,
    result: str,
    *,
    program: str = "",
    detail: str = "",
) -> int:
    """One line of the audit log: who, when, what, result. Never a password or a key.
    Returns the line's id."""
    row = tx.execute(
        "INSERT INTO audit (at, user_id, action, program, result, detail) VALUES (?,?,?,?,?,?)"
        " RETURNING id",
        (stamp(now), user_id[:64], action, program, result, detail[:500]),
    ).fetchone()
    return int(row["id"])


# --------------------------------------------------------------------------- administration


def add_user(
    tx: Tx,
    user_id: str,
    name: str,
    password: str,
    now: dt.datetime,
    *,
    email: str = "",
    last_login: dt.datetime | None = None,
) -> None:
    if not USER_ID_PATTERN.fullmatch(user_id):
        raise ValueError(
            f"user ID {user_id!r} must be 4 to 10 letters and digits (e.g. jsmith6544)"
        )
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    if tx.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone():
        raise ValueError(f"user ID {user_id} already exists")
    # Failures counted for this ID while it did not exist are not the new user's.
    tx.execute(
        "DELETE FROM unknown_logins WHERE user_id_hmac = ?", (unknown_user_id_hmac(tx, user_id),)
    )
    tx.execute(
        "INSERT INTO users (user_id, name, email, password, last_login, active_since, created_at)"
        " VALUES (?,?,?,?,?,?,?)",
        (
            user_id,
            name,
            email,
            hash_password(password),
            stamp(last_login) if last_login else None,
            stamp(now),
            stamp(now),
        ),
    )


def unlock(tx: Tx, user_id: str, now: dt.datetime) -> None:
    """Clear a lockout and inactivity: the administrator vouches for the user again."""
    changed = tx.execute(
        "UPDATE users SET failed_logins = 0, locked_at = NULL, active_since = ? WHERE user_id = ?",
        (stamp(now), user_id),
    ).rowcount
    if not changed:
        raise ValueError(f"no user with ID {user_id}")
    audit(tx, now, user_id, "unlock", "ok", detail="by administrator")


def deactivate(tx: Tx, user_id: str, now: dt.datetime) -> int:
    """`serve admin deactivate`: no login and no batch until reactivated; the user's open
    sessions end. Returns how many were ended."""
    changed = tx.execute(
        "UPDATE users SET deactivated_at = ? WHERE user_id = ? AND deactivated_at IS NULL",
        (stamp(now), user_id),
    ).rowcount
    if not changed:
        if find_account(tx, user_id) is None:
            raise ValueError(f"no user with ID {user_id}")
        raise ValueError(f"{user_id} is already deactivated; nothing was changed")
    ended = end_sessions(tx, user_id, now)
    audit(tx, now, user_id, "deactivate", "ok", detail=f"by administrator; {ended} sessions ended")
    return ended


def reactivate(tx: Tx, user_id: str, now: dt.datetime) -> None:
    """`serve admin reactivate`: undo a deactivation, and (as unlock does) a lockout and the
    45-day inactivity."""
    changed = tx.execute(
        "UPDATE users SET deactivated_at = NULL, failed_logins = 0, locked_at = NULL,"
        " active_since = ? WHERE user_id = ?",
        (stamp(now), user_id),
    ).rowcount
    if not changed:
        raise ValueError(f"no user with ID {user_id}")
    audit(tx, now, user_id, "reactivate", "ok", detail="by administrator")


def set_password(tx: Tx, user_id: str, password: str, now: dt.datetime) -> int:
    """Set a new password and end the user's open sessions; returns how many were ended."""
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    if not tx.execute(
        "UPDATE users SET password = ? WHERE user_id = ?", (hash_password(password), user_id)
    ).rowcount:
        raise ValueError(f"no user with ID {user_id}")
    ended = end_sessions(tx, user_id, now)
    audit(
        tx, now, user_id, "set-password", "ok", detail=f"by administrator; {ended} sessions ended"
    )
    return ended


def log_out_user(tx: Tx, user_id: str, now: dt.datetime) -> int:
    """`serve admin logout`: end every open session of the user; returns how many."""
    if not tx.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone():
        raise ValueError(f"no user with ID {user_id}")
    ended = end_sessions(tx, user_id, now)
    audit(tx, now, user_id, "logout", "ok", detail=f"by administrator; {ended} sessions ended")
    return ended


def end_sessions(tx: Tx, user_id: str, now: dt.datetime) -> int:
    return int(
        tx.execute(
            "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
            (stamp(now), user_id),
        ).rowcount
    )


# --------------------------------------------------------------------------- logging in


@dataclass(frozen=True)
class Account:
    user_id: str
    name: str
    password: str
    failed_logins: int
    locked: bool
    last_login: dt.datetime | None
    active_since: dt.datetime
    deactivated: bool = False  # by the administrator (serve admin deactivate)


def find_account(tx: Tx, user_id: str) -> Account | None:
    row = tx.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)).fetchone()
    if row is None:
        return None
    return Account(
        user_id=row["user_id"],
        name=row["name"],
        password=row["password"],
        failed_logins=row["failed_logins"],
        locked=row["locked_at"] is not None,
        last_login=parse_stamp(row["last_login"]),
        active_since=dt.datetime.fromisoformat(row["active_since"]),  # NOT NULL
        deactivated=row["deactivated_at"] is not None,
    )


def inactive_since(account: Account) -> dt.datetime:
    """When the user last proved to be active (login, creation or reactivation)."""
    return max(account.last_login or account.active_since, account.active_since)


def finish_login(
    tx: Tx, user_id: str, password_ok: bool, now: dt.datetime
) -> LoginResult | ApiError:
    """Record a login attempt whose password was checked outside the transaction.

    The account is read again here, so concurrent attempts count correctly. A refused login
    is recorded (the failure count, a lock, the audit line) and its ApiError returned, for
    the caller to raise once this transaction committed.
    """
    account = find_account(tx, user_id)
    if account is None:
        return _unknown_failure(tx, user_id, now)
    if account.locked:
        audit(tx, now, user_id, "login", "account_locked")
        return _locked()
    if not password_ok:
        failures = account.failed_logins + 1
        if failures >= MAX_FAILURES:
            tx.execute(
                "UPDATE users SET failed_logins = ?, locked_at = ? WHERE user_id = ?",
                (failures, stamp(now), user_id),
            )
            ended = end_sessions(tx, user_id, now)
            audit(
                tx,
                now,
                user_id,
                "login",
                "account_locked",
                detail=f"{failures} failures; {ended} sessions ended",
            )
            return _locked()
        tx.execute("UPDATE users SET failed_logins = ? WHERE user_id = ?", (failures, user_id))
        audit(tx, now, user_id, "login", "invalid_credentials", detail=f"failure {failures}")
        return invalid_credentials(MAX_FAILURES - failures)
    inactive = _inactive(tx, account, now)
    if inactive is not None:
        return inactive
    # Forget sessions idle for a day: they can no longer be used, and the table stays small.
    tx.execute("DELETE FROM sessions WHERE last_seen < ?", (stamp(now - dt.timedelta(days=1)),))
    token = secrets.token_urlsafe(32)
    tx.execute(
        "UPDATE users SET failed_logins = 0, last_login = ? WHERE user_id = ?",
        (stamp(now), user_id),
    )
    tx.execute(
        "INSERT INTO sessions (token_sha256, user_id, created_at, last_seen) VALUES (?,?,?,?)",
        (token_digest(token), user_id, stamp(now), stamp(now)),
    )
    audit(tx, now, user_id, "login", "ok")
    user = User(
        user_id=user_id,
        name=account.name,
        last_login=account.last_login,
        inactive_on=(now + INACTIVE_AFTER).date(),
    )
    return LoginResult(token=token, user=user)


def _inactive(tx: Tx, account: Account, now: dt.datetime) -> ApiError | None:
    """The refusal of a right password for an account that may not log in now (audited)."""
    if account.deactivated:
        why = "has been deactivated by the service's administrator"
    elif now - inactive_since(account) > INACTIVE_AFTER:
        why = "is inactive: it has not logged in for more than 45 days"
    else:
        return None
    detail = "deactivated" if account.deactivated else ""
    audit(tx, now, account.user_id, "login", "account_inactive", detail=detail)
    return ApiError(
        403,
        "account_inactive",
        f"User ID {account.user_id} {why}.",
        "Ask the service's administrator to reactivate it (in SEVIS: the help desk).",
        audited=True,
    )


def unknown_user_id_hmac(tx: Tx, user_id: str) -> str:
    """HMAC-SHA256 (hex) of a user ID under this database's secret: how an ID that matches no
    account is counted without being stored (whoever has the database can still test guesses)."""
    row = tx.execute("SELECT value FROM service_secrets WHERE name = 'unknown_user_ids'").fetchone()
    digest = hmac.new(bytes(row["value"]), user_id.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()


def unknown_user_label(tx: Tx, user_id: str) -> str:
    """How the audit log names a user ID that matches no account: never the text typed."""
    return "unknown-" + unknown_user_id_hmac(tx, user_id)[:12]


def _unknown_failure(tx: Tx, user_id: str, now: dt.datetime) -> ApiError:
    """A login for a user ID that does not exist: counted and locked as a real one would be."""
    key = unknown_user_id_hmac(tx, user_id)
    label = unknown_user_label(tx, user_id)
    row = tx.execute(
        "SELECT failed_logins, locked_at FROM unknown_logins WHERE user_id_hmac = ?", (key,)
    ).fetchone()
    if row is not None and row["locked_at"] is not None:
        audit(tx, now, label, "login", "account_locked", detail="unknown user ID")
        return _locked()
    failures = (row["failed_logins"] if row is not None else 0) + 1
    locked = stamp(now) if failures >= MAX_FAILURES else None
    tx.execute(
        "INSERT INTO unknown_logins (user_id_hmac, failed_logins, locked_at) VALUES (?,?,?)"
        " ON CONFLICT (user_id_hmac) DO UPDATE SET failed_logins = excluded.failed_logins,"
        " locked_at = excluded.locked_at",
        (key, failures, locked),
    )
    if locked:
        audit(
            tx,
            now,
            label,
            "login",
            "account_locked",
            detail=f"unknown user ID; {failures} failures",
        )
        return _locked()
    audit(
        tx,
        now,
        label,
        "login",
        "invalid_credentials",
        detail=f"unknown user ID; failure {failures}",
    )
    return invalid_credentials(MAX_FAILURES - failures)


def invalid_credentials(attempts_left: int) -> ApiError:
    """401 for a wrong user ID or password: the same answer whether or not the ID exists."""
    plural = "attempt" if attempts_left == 1 else "attempts"
    return ApiError(
        401,
        "invalid_credentials",
        "The user ID or password is wrong.",
        f"Check the user ID and password (both case sensitive). {attempts_left} {plural} left "
        "before the user ID is locked.",
        attempts_left=attempts_left,
        audited=True,
    )


def _locked() -> ApiError:
    return ApiError(
        423,
        "account_locked",
        "This user ID is locked after three failed logins.",
        "Ask the service's administrator to unlock it (in SEVIS: the help desk).",
        audited=True,
    )


# --------------------------------------------------------------------------- sessions


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough to keep them unusable if read.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(tx: Tx, token: str | None, now: dt.datetime, *, touch: bool = True) -> str:
    """The user ID behind a live session; with `touch`, restart its 20-minute idle clock."""
    if not token:
        raise errors.not_authenticated()
    row = tx.execute(
        "SELECT s.user_id, s.last_seen, s.ended_at, u.locked_at, u.deactivated_at FROM sessions s"
        " JOIN users u ON u.user_id = s.user_id WHERE s.token_sha256 = ?",
        (token_digest(token),),
    ).fetchone()
    if row is None:
        raise errors.not_authenticated()
    # Logged out, or ended by a lockout, a new password or `serve admin logout`.
    if row["ended_at"] is not None or row["locked_at"] is not None or row["deactivated_at"]:
        raise errors.not_authenticated()
    last_seen = parse_stamp(row["last_seen"])
    if last_seen is None or now - last_seen > IDLE_LIMIT:
        raise errors.session_expired()
    if touch:
        tx.execute(
            "UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?",
            (stamp(now), token_digest(token)),
        )
    return str(row["user_id"])


def end_session(tx: Tx, token: str | None, user_id: str, now: dt.datetime) -> None:
    """Log out the session `token` of `user_id` (authenticated by the caller)."""
    tx.execute(
        "UPDATE sessions SET ended_at = ? WHERE token_sha256 = ?",
        (stamp(now), token_digest(token or "")),
    )
    audit(tx, now, user_id, "logout", "ok")

"""Password hashing with hashlib.scrypt, a per-user salt, and constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

# n=2**14, r=8 costs about 16 MiB and tens of milliseconds: slow for guessing, fine for logins.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_LENGTH = 12
MAX_LENGTH = 64


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash. An account without a usable hash (a demo
    official no administrator gave a password, "!") costs the same time and never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        expected = bytes.fromhex(digest)
        actual = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        burn_time(password)
        return False
    return hmac.compare_digest(actual, expected)


def burn_time(password: str) -> None:
    """Spend what a real check costs, so an unknown user ID is not told apart by timing."""
    _scrypt(password, b"\0" * 16, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (SEVIS: 12 to 64 characters), or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"a password must be {MIN_LENGTH} to {MAX_LENGTH} characters long"
    return control_problem(password)


def control_problem(password: str) -> str | None:
    """Why a password with control characters is refused (when set and at login), or None.

    scrypt pads the password, an HMAC key, with zero bytes, so `password + "\\0"` would hash
    alike and log in; other control characters (tab, escape, newline) are never typed into a
    password field on purpose either.
    """
    for char in password:
        if unicodedata.category(char) == "Cc":
            return f"a password must not contain control characters (it has U+{ord(char):04X})"
    return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )

"""Crafted request bodies, control characters in passwords, and the order of refusals, each
in-process and over real HTTP (the `api` fixture): a client's mistake is a 400 or 413 in the
error shape, never a 500, and never a traceback in the service's log."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx
import pytest

from sevis_tui.service import passwords
from sevis_tui.service.demo import DEMO_PASSWORD, DEMO_USER_ID
from sevis_tui.service.requests import MAX_JSON_BYTES

from .support import admin, code

ACCEPT = "programs/P-1-00001/batch/acceptance"
DEEP = b"[" * 4000 + b"]" * 4000  # 8,000 bytes: inside the body limit
HUGE_NUMBER = b"9" * 5000


async def log_in(api: httpx.AsyncClient) -> dict[str, str]:
    answer = await api.post("session", json={"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert "Traceback" not in caplog.text and "internal error" not in caplog.text


# --------------------------------------------------------------------------- 5. crafted JSON

CRAFTED = {
    "20,000 deep": (b'{"user_id": ' + b"[" * 20000 + b"]" * 20000 + b"}", 413, "too_large"),
    "4,000 deep in a field": (b'{"user_id": ' + DEEP + b', "password": "x"}', 400, "invalid_field"),
    "4,000 deep, unknown field": (b'{"extra": ' + DEEP + b"}", 400, "invalid_field"),
    "4,000 deep, bare": (DEEP, 400, "malformed_json"),
    "5,000 digits": (b'{"user_id": ' + HUGE_NUMBER + b', "password": "x"}', 400, "invalid_field"),
    "1e99999": (b'{"user_id": 1e99999, "password": "x"}', 400, "invalid_field"),
    "not UTF-8": (b'{"user_id": "\xff", "password": "x"}', 400, "malformed_json"),
    "lone surrogate": (b'{"user_id": "\\ud800", "password": "x"}', 400, "malformed_json"),
    "trailing bytes": (b'{"user_id": "a", "password": "b"} []', 400, "malformed_json"),
}
ACCEPT_CRAFTED = {
    "5,000 digits": (b'{"version": ' + HUGE_NUMBER + b"}", 400, "invalid_field"),
    "-5,000 digits": (b'{"version": -' + HUGE_NUMBER + b"}", 400, "invalid_field"),
    "deep": (b'{"version": ' + DEEP + b"}", 400, "invalid_field"),
    "float": (b'{"version": 1.5}', 400, "invalid_field"),
    "true": (b'{"version": true}', 400, "invalid_field"),
}


@pytest.mark.parametrize("name", list(CRAFTED))
async def test_crafted_login_bodies_are_refused_without_a_traceback(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    body, status, expected = CRAFTED[name]
    caplog.set_level(logging.DEBUG)
    response = await api.post("session", content=body)
    assert (response.status_code, code(response)) == (status, expected)
    no_traceback(caplog)


@pytest.mark.parametrize("name", list(ACCEPT_CRAFTED))
async def test_crafted_acceptance_bodies_are_refused_without_a_traceback(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    body, status, expected = ACCEPT_CRAFTED[name]
    headers = await log_in(api)
    caplog.set_level(logging.DEBUG)
    response = await api.post(ACCEPT, content=body, headers=headers)
    assert (response.status_code, code(response)) == (status, expected)
    no_traceback(caplog)


async def test_the_body_limit_is_a_few_kib(api: httpx.AsyncClient) -> None:
    assert 2 * 1024 <= MAX_JSON_BYTES <= 16 * 1024
    padding = b" " * (MAX_JSON_BYTES - 40)
    fits = b'{"user_id": "nobody0000",' + padding[:-30] + b'"password": "x"}'
    assert len(fits) <= MAX_JSON_BYTES
    assert (await api.post("session", content=fits)).status_code == 401
    over = fits[:-1] + b" " * (MAX_JSON_BYTES - len(fits) + 1) + b"}"
    response = await api.post("session", content=over)
    assert (response.status_code, code(response)) == (413, "too_large")


# --------------------------------------------------------------------------- 6. NUL bytes


def test_scrypt_alone_would_take_a_trailing_nul_for_the_password() -> None:
    """Why the refusal is needed: the password is an HMAC key, padded with zero bytes."""
    stored = passwords.hash_password(DEMO_PASSWORD)
    assert passwords.verify_password(DEMO_PASSWORD + "\0", stored)
    salt = b"s" * 16
    assert hashlib.scrypt(b"pw", salt=salt, n=16, r=1, p=1) == hashlib.scrypt(
        b"pw\0\0", salt=salt, n=16, r=1, p=1
    )


@pytest.mark.parametrize("suffix", ["\0", "\0\0\0", "\x1b", "\t", "\x85"])
async def test_control_characters_in_a_password_never_log_in(
    api: httpx.AsyncClient, suffix: str
) -> None:
    body = {"user_id": DEMO_USER_ID, "password": DEMO_PASSWORD + suffix}
    response = await api.post("session", json=body)
    assert (response.status_code, code(response)) == (400, "invalid_field")
    assert "control characters" in response.json()["error"]["message"]
    # Not counted as a failure: the right password still logs in at once.
    assert (await log_in(api))["Authorization"].startswith("Bearer ")


@pytest.mark.parametrize("password", ["correct horse battery\0", "correct\x1bhorse battery"])
def test_passwords_with_control_characters_are_not_set(database: Path, password: str) -> None:
    done = admin(database, "set-password", DEMO_USER_ID, stdin=password.encode() + b"\n")
    assert done.returncode == 2 and b"control characters" in done.stderr
    added = admin(database, "add-user", "aperez0042", "--name", "A", stdin=password.encode())
    assert added.returncode == 2 and b"control characters" in added.stderr


# --------------------------------------------------------------------------- 7. order


async def test_an_unauthenticated_caller_learns_nothing_about_the_shape(
    api: httpx.AsyncClient,
) -> None:
    upload = "programs/P-1-00001/batch/certificate"
    for headers in ({}, {"Authorization": "Bearer not-a-session"}):
        no_key = await api.post(upload, content=b"x", headers=headers)
        assert (no_key.status_code, code(no_key)) == (401, "not_authenticated")
        big = await api.post(upload, content=b"x" * (1024 * 1024 + 1), headers=headers)
        assert (big.status_code, code(big)) == (401, "not_authenticated")
        bad_json = await api.post(ACCEPT, content=b"{", headers=headers)
        assert (bad_json.status_code, code(bad_json)) == (401, "not_authenticated")
    signed_in = await log_in(api)
    no_key = await api.post(upload, content=b"x", headers=signed_in)
    assert (no_key.status_code, code(no_key)) == (400, "missing_idempotency_key")
    bad_json = await api.post(ACCEPT, content=b"{", headers=signed_in)
    assert (bad_json.status_code, code(bad_json)) == (400, "malformed_json")

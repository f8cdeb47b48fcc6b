"""Validity to the second: valid from the notBefore second through the notAfter second.

RFC 5280 4.1.2.5 makes both ends inclusive, and cryptography's verifier compares whole seconds.
The engine's own date rule must say what the verifier says at every instant near both ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from sevis_tui.cert import Policy, inspect_bytes
from sevis_tui.cert.factory import Issued, make_ca, make_personal, pem

START = dt.datetime(2026, 12, 1, 8, 30, 0, tzinfo=dt.UTC)
END = dt.datetime(2027, 1, 1, 0, 0, 0, tzinfo=dt.UTC)
OFFSETS = (-1.5, -1.0, -0.999999, -0.5, 0.0, 0.25, 0.5, 0.999999, 1.0, 1.000001, 2.0)


@pytest.fixture(scope="module")
def root() -> Issued:
    # Valid long before and after the leaf, so only the leaf's own dates matter.
    return make_ca("Seconds Root", not_before=START - dt.timedelta(days=900))


@pytest.fixture(scope="module")
def person(root: Issued, pki: Any) -> Any:
    return make_personal(root, key=pki.person_key, not_before=START, not_after=END)


def verifier_says_valid(root: Issued, person: Any, moment: dt.datetime) -> bool:
    store = Store([root.certificate])
    verifier = PolicyBuilder().store(store).time(moment).build_client_verifier()
    try:
        verifier.verify(person.certificate, [])
    except VerificationError as error:
        assert "not valid at validation time" in str(error)
        return False
    return True


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize("edge", ["notBefore", "notAfter"])
def test_date_rule_agrees_with_the_verifier(
    root: Issued, person: Any, edge: str, offset: float
) -> None:
    moment = (START if edge == "notBefore" else END) + dt.timedelta(seconds=offset)
    report = inspect_bytes(
        pem(person.certificate),
        Policy(accepted_issuers=(root.certificate,), now=moment),
    )
    codes = {f.code for f in report.findings}
    engine_says_valid = not codes & {"expired", "not_yet_valid"}
    assert engine_says_valid == verifier_says_valid(root, person, moment), (moment, codes)
    if engine_says_valid:
        assert report.ok, report.findings


def test_last_second_is_valid_and_the_next_is_expired_today(root: Issued, person: Any) -> None:
    policy = Policy(
        accepted_issuers=(root.certificate,),
        now=END + dt.timedelta(seconds=1),
    )
    report = inspect_bytes(pem(person.certificate), policy)
    expired = [f for f in report.findings if f.code == "expired"]
    assert len(expired) == 1 and expired[0].message.endswith("(today).")

"""Shared test PKI for the certificate engine tests.

Keys are the slow part of making certificates, so the session makes a few and reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sevis_tui.cert import Policy
from sevis_tui.cert.factory import Issued, PrivateKey, make_ca, make_personal, new_key


@dataclass(frozen=True)
class Pki:
    accepted_root: Issued
    intermediate: Issued  # issued by accepted_root
    foreign_root: Issued  # not accepted
    foreign_intermediate: Issued  # issued by foreign_root
    person_key: PrivateKey
    other_key: PrivateKey

    @property
    def policy(self) -> Policy:
        return Policy(accepted_issuers=(self.accepted_root.certificate,))

    def person(self, **options: object) -> Issued:
        """A personal certificate from the accepted intermediate (options go to make_personal)."""
        issuer = options.pop("issuer", self.intermediate)
        assert isinstance(issuer, Issued)
        options.setdefault("key", self.person_key)
        return make_personal(issuer, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pki() -> Pki:
    accepted_root = make_ca("Test Accepted Root", organization="Accepted Test CA")
    foreign_root = make_ca("Foreign Root", organization="Unaccepted Test CA")
    return Pki(
        accepted_root=accepted_root,
        intermediate=make_ca(
            "Test Client CA", organization="Accepted Test CA", issuer=accepted_root
        ),
        foreign_root=foreign_root,
        foreign_intermediate=make_ca("Foreign Client CA", issuer=foreign_root),
        person_key=new_key("rsa", 2048),
        other_key=new_key("ec"),
    )

"""Real-world files (cryptography-vectors) and random bytes: a report, never an exception, and
findings in plain words (no exception class name, no doubled word)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import cryptography_vectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sevis_tui.cert import CODES, FileReport, Policy, inspect_bytes, inspect_path
from sevis_tui.cert.factory import der, make_ca, make_personal, pem
from sevis_tui.cert.text_report import plain_text

from .wording import wording_problems

VECTORS = Path(cryptography_vectors.__path__[0])


def _check(report: FileReport) -> None:
    assert report.certificates or report.errors, report
    for found in report.findings:
        assert CODES[found.code] == found.severity
        assert not wording_problems(f"{found.message} {found.remedy}"), found
    report.to_dict()


def test_every_vector_file_gives_a_report() -> None:
    policy = Policy(accepted_issuers=(make_ca("Unrelated").certificate,))
    count = 0
    formats: set[str] = set()
    for folder in ("x509", "pkcs7", "pkcs12"):
        for directory, _dirs, files in os.walk(VECTORS / folder):
            for file_name in files:
                report = inspect_path(Path(directory, file_name), policy)
                _check(report)
                formats.add(report.format)
                count += 1
    assert count > 1500
    assert formats == {"PEM", "DER", "PKCS#7", "PKCS#12", "unknown"}


def test_vector_reports_render_as_text() -> None:
    for name in ("cryptography.io.pem", "verisign_md2_root.pem", "san_x400address.der"):
        assert "==" in plain_text(inspect_path(VECTORS / "x509" / name, Policy()))


_SAMPLE_CA = make_ca("Fuzz CA")
_SAMPLE = make_personal(_SAMPLE_CA, key=_SAMPLE_CA.key)
_SAMPLE_DER = der(_SAMPLE.certificate)
_POLICY = Policy(accepted_issuers=(_SAMPLE_CA.certificate,))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    _check(inspect_bytes(data, _POLICY))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_behind_der_and_pem_headers(tail: bytes) -> None:
    for data in (b"\x30\x82" + tail, b"\x30\x80" + tail, b"-----BEGIN CERTIFICATE-----\n" + tail):
        _check(inspect_bytes(data, _POLICY))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_SAMPLE_DER) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, len(_SAMPLE_DER)),
)
def test_mutated_der(mutations: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_SAMPLE_DER)
    for position, value in mutations:
        data[position] = value
    _check(inspect_bytes(bytes(data), _POLICY))
    _check(inspect_bytes(bytes(data[:cut]), _POLICY))
    _check(inspect_bytes(pem_of(bytes(data)), _POLICY))


def pem_of(data: bytes) -> bytes:
    import base64

    return (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(data) + b"-----END CERTIFICATE-----\n"
    )


def test_sample_is_sound(pki: Any) -> None:
    assert inspect_bytes(pem(_SAMPLE.certificate), _POLICY).ok

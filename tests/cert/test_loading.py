"""Formats are sniffed from content; every certificate is listed; leftovers are reported."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import cryptography_vectors
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from sevis_tui.cert import FileReport, Policy, inspect_bytes, inspect_path
from sevis_tui.cert.factory import der, pem, pkcs7, pkcs12


def codes(report: FileReport) -> set[str]:
    return {f.code for f in report.findings}


def test_pem_with_text_around_crlf_and_several_blocks(pki: Any) -> None:
    person = pki.person()
    body = (
        b"Subject: whatever openssl printed\r\n"
        + pem(person.certificate).replace(b"\n", b"\r\n")
        + b"\r\nsome notes\r\n"
        + pem(pki.intermediate.certificate)
        + pem(pki.accepted_root.certificate)
    )
    report = inspect_bytes(body, pki.policy, name="chain.txt")
    assert report.format == "PEM"
    assert [c.role for c in report.certificates] == ["end-entity", "intermediate", "root"]
    assert codes(report) == {"issuer_accepted", "extra_text"}
    assert report.name == "chain.txt"


def test_der_and_pkcs7_der_and_pem(pki: Any) -> None:
    person = pki.person()
    chain = [person.certificate, pki.intermediate.certificate]
    assert inspect_bytes(der(person.certificate), pki.policy).format == "DER"
    for data in (pkcs7(chain), pkcs7(chain, der=True)):
        report = inspect_bytes(data, pki.policy)
        assert report.format == "PKCS#7"
        assert len(report.certificates) == 2 and report.ok


def test_pkcs7_ber_indefinite_length_from_vectors() -> None:
    folder = Path(cryptography_vectors.__path__[0], "pkcs7")
    report = inspect_path(folder / "amazon-roots.der", Policy())
    assert report.format == "PKCS#7" and len(report.certificates) >= 2
    assert report.findings  # CA roots: reported, not accepted


def test_pkcs12_without_password_lists_certificates(pki: Any) -> None:
    person = pki.person()
    report = inspect_bytes(pkcs12(person, None, chain=[pki.intermediate.certificate]), pki.policy)
    assert report.format == "PKCS#12" and len(report.certificates) == 2
    assert report.has_private_key
    assert report.subject is report.certificates[0]


def test_skipped_blocks_are_reported(pki: Any) -> None:
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]))
        .sign(pki.other_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate.certificate.subject)
        .last_update(pki.intermediate.certificate.not_valid_before_utc)
        .next_update(pki.intermediate.certificate.not_valid_after_utc)
        .sign(pki.intermediate.key, hashes.SHA256())
    )
    data = (
        csr.public_bytes(serialization.Encoding.PEM)
        + pem(pki.person().certificate)
        + crl.public_bytes(serialization.Encoding.PEM)
        + pem(pki.intermediate.certificate)
    )
    report = inspect_bytes(data, pki.policy)
    skipped = [f.message for f in report.findings if f.code == "skipped_block"]
    assert len(skipped) == 2
    assert "signing request" in skipped[0] and "revocation list" in skipped[1]
    assert report.ok and len(report.certificates) == 2
    only_csr = inspect_bytes(csr.public_bytes(serialization.Encoding.PEM), pki.policy)
    assert codes(only_csr) == {"skipped_block", "not_a_certificate"}
    for item, what in ((csr, "signing request"), (crl, "revocation list")):
        report = inspect_bytes(item.public_bytes(serialization.Encoding.DER), pki.policy)
        assert codes(report) == {"not_a_certificate"} and what in report.findings[0].message


def test_trailing_bytes_after_der(pki: Any) -> None:
    report = inspect_bytes(der(pki.person().certificate) + b"\0garbage", pki.policy)
    assert report.format == "DER" and len(report.certificates) == 1
    trailing = [f for f in report.findings if f.code == "trailing_data"]
    assert trailing and "8 extra bytes" in trailing[0].message


def test_truncated_der(pki: Any) -> None:
    data = der(pki.person().certificate)
    for cut in (2, 10, len(data) // 2, len(data) - 1):
        report = inspect_bytes(data[:cut], pki.policy)
        assert not report.certificates
        assert codes(report) & {"damaged_certificate", "not_a_certificate"}, cut
    assert "cut short" in inspect_bytes(data[:-1], pki.policy).findings[0].message


def test_broken_base64_pem(pki: Any) -> None:
    text = pem(pki.person().certificate).decode()
    lines = text.splitlines()
    lines[3] = lines[3][:10] + "!!!" + lines[3][13:]
    report = inspect_bytes("\n".join(lines).encode(), pki.policy)
    assert codes(report) == {"damaged_certificate"}
    assert "base64" in report.findings[0].message


def test_valid_base64_of_garbage_in_certificate_block(pki: Any) -> None:
    body = base64.encodebytes(b"\x30\x03\x02\x01\x05")
    data = b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"
    assert codes(inspect_bytes(data, pki.policy)) == {"damaged_certificate"}


def test_unterminated_pem_block(pki: Any) -> None:
    data = pem(pki.person().certificate)[:-30]
    assert codes(inspect_bytes(data, pki.policy)) == {"damaged_certificate"}
    tail = b"-----BEGIN X509 CRL-----\nAAAA\n"
    with_tail = inspect_bytes(pem(pki.person().certificate) + tail, pki.policy)
    assert "unterminated_block" in codes(with_tail)


def test_empty_garbage_and_too_large() -> None:
    policy = Policy(max_bytes=100)
    assert codes(inspect_bytes(b"", policy)) == {"empty_file"}
    assert codes(inspect_bytes(b"hello world", policy)) == {"not_a_certificate"}
    assert "plain text" in inspect_bytes(b"hello world", policy).findings[0].message
    assert codes(inspect_bytes(b"\x00" * 101, policy)) == {"too_large"}


def test_der_private_key_alone(pki: Any) -> None:
    data = pki.other_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    report = inspect_bytes(data, pki.policy)
    assert report.has_private_key
    assert "only a private key" in report.findings[0].message


def test_description_fields(pki: Any) -> None:
    person = pki.person()
    info = inspect_bytes(pem(person.certificate), pki.policy).certificates[0]
    assert info.subject_common_name == "jsmith6544"
    assert info.subject_organization == "Example University"
    assert info.issuer_common_name == "Test Client CA"
    assert info.key_description == "RSA 2048"
    assert info.signature_algorithm == "SHA-256 with RSA"
    assert info.sha256 == person.certificate.fingerprint(hashes.SHA256()).hex(":").upper()
    assert info.serial_hex.replace(":", "") == f"{person.certificate.serial_number:X}".zfill(
        len(info.serial_hex.replace(":", ""))
    )
    assert info.sans == ("email:jsmith@example.edu",)
    assert "Digital Signature" in info.key_usage
    assert info.not_after.tzinfo is not None
    assert info.to_dict()["not_after"].endswith("+00:00")

"""Every SEVIS rule on generated certificates: an accepted test issuer and an unaccepted one."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import cryptography_vectors
import msgspec
import pytest

from sevis_tui.cert import (
    CODES,
    FileReport,
    Finding,
    Policy,
    inspect_bytes,
    inspect_path,
    read_key_file,
)
from sevis_tui.cert.factory import der, key_pem, make_ca, make_personal, pem, pkcs7, pkcs12
from sevis_tui.contract import decode, encode

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)


def codes(report: FileReport) -> set[str]:
    return {f.code for f in report.findings}


def only(report: FileReport, code: str) -> Finding:
    matching = [f for f in report.findings if f.code == code]
    assert len(matching) == 1, report.findings
    return matching[0]


def test_good_certificate_with_chain_is_ok(pki: Any) -> None:
    person = pki.person()
    report = inspect_bytes(pem(person.certificate) + pem(pki.intermediate.certificate), pki.policy)
    assert report.ok, report.findings
    assert codes(report) == {"issuer_accepted"}
    assert report.subject is report.certificates[0]
    assert report.subject_der == der(person.certificate)
    assert "Test Accepted Root" in only(report, "issuer_accepted").message
    assert report.subject.emails == ("jsmith@example.edu",)
    assert report.subject.extended_key_usage == ("Client Authentication", "E-mail Protection")
    assert report.subject.role == "end-entity"
    assert report.certificates[1].role == "intermediate"


def test_every_finding_uses_a_known_code_and_its_severity(pki: Any) -> None:
    report = inspect_bytes(
        pem(pki.person(not_after=NOW - DAY, not_before=NOW - 9 * DAY).certificate), pki.policy
    )
    for found in report.findings:
        assert CODES[found.code] == found.severity
        assert found.message
    assert [f.severity for f in report.findings] == sorted(
        (f.severity for f in report.findings), key=("error", "warning", "info").index
    )


def test_missing_intermediate_says_no_chain_offline(pki: Any) -> None:
    report = inspect_bytes(der(pki.person().certificate), pki.policy)
    found = only(report, "missing_intermediate")
    # The issuer's organization is an accepted vendor: what is missing is its intermediate.
    assert found.message.startswith("Issued by «Accepted Test CA», an issuer SEVIS accepts")
    assert "lacks the intermediate certificate «Test Client CA»" in found.message
    assert "Add the intermediate certificate «Test Client CA» to the file" in found.remedy
    assert not report.ok


def test_unaccepted_root_in_file_is_untrusted(pki: Any) -> None:
    person = pki.person(issuer=pki.foreign_intermediate)
    data = pkcs7(
        [person.certificate, pki.foreign_intermediate.certificate, pki.foreign_root.certificate]
    )
    report = inspect_bytes(data, pki.policy)
    assert report.format == "PKCS#7"
    assert "Foreign Root" in only(report, "untrusted_issuer").message


def test_missing_intermediate_points_to_where_the_issuer_is_published(pki: Any) -> None:
    url = "http://crt.example.org/client-ca.crt"
    report = inspect_bytes(pem(pki.person(ca_issuers_url=url).certificate), pki.policy)
    assert f"publishes it at {url}" in only(report, "missing_intermediate").remedy
    assert report.subject is not None and report.subject.aia_urls == (url,)


def test_partial_chain_in_file_names_where_it_ends(pki: Any) -> None:
    person = pki.person(issuer=pki.foreign_intermediate)
    data = pem(person.certificate) + pem(pki.foreign_intermediate.certificate)
    found = only(inspect_bytes(data, pki.policy), "missing_intermediate")
    assert found.message.startswith(
        "The file's chain ends at «Foreign Client CA», issued by «Unaccepted Test CA», which is "
        "not an issuer SEVIS accepts"
    )


def test_unaccepted_issuer_not_in_file_is_reported_as_missing_chain(pki: Any) -> None:
    report = inspect_bytes(pem(pki.person(issuer=pki.foreign_root).certificate), pki.policy)
    assert "Foreign Root" in only(report, "missing_intermediate").message


def test_forged_issuer_name_is_chain_invalid(pki: Any) -> None:
    impostor = make_ca("Test Accepted Root", organization="Accepted Test CA", key=pki.other_key)
    person = pki.person(issuer=impostor)
    report = inspect_bytes(pem(person.certificate), pki.policy)
    found = only(report, "chain_invalid")
    assert "signature does not match" in found.message


def test_expired(pki: Any) -> None:
    person = pki.person(not_before=NOW - 400 * DAY, not_after=NOW - 10 * DAY)
    report = inspect_bytes(pem(person.certificate) + pem(pki.intermediate.certificate), pki.policy)
    assert "10 days ago" in only(report, "expired").message
    # The chain is judged as of a moment the certificate was valid; the intermediate was not
    # valid then either, which is no news for an officer who must renew anyway.
    assert codes(report) == {"expired"}
    old_root = make_ca("Old Root", not_before=NOW - 900 * DAY, key=pki.other_key)
    old_ca = make_ca(
        "Old Client CA", issuer=old_root, not_before=NOW - 500 * DAY, key=pki.other_key
    )
    older = pki.person(issuer=old_ca, not_before=NOW - 400 * DAY, not_after=NOW - 10 * DAY)
    policy = Policy(accepted_issuers=(old_root.certificate,))
    report = inspect_bytes(pem(older.certificate) + pem(old_ca.certificate), policy)
    assert codes(report) == {"expired", "issuer_accepted"}


def test_not_yet_valid(pki: Any) -> None:
    person = pki.person(not_before=NOW + 5 * DAY, not_after=NOW + 400 * DAY)
    report = inspect_bytes(pem(person.certificate) + pem(pki.intermediate.certificate), pki.policy)
    assert codes(report) == {"not_yet_valid", "issuer_accepted"}


def test_expires_soon_uses_the_configured_days(pki: Any) -> None:
    person = pki.person(not_before=NOW - DAY, not_after=NOW + 10 * DAY + dt.timedelta(hours=1))
    data = pem(person.certificate) + pem(pki.intermediate.certificate)
    report = inspect_bytes(data, pki.policy)
    assert report.ok
    assert "10 days" in only(report, "expires_soon").message
    relaxed = Policy(accepted_issuers=pki.policy.accepted_issuers, expiry_warning_days=5)
    assert "expires_soon" not in codes(inspect_bytes(data, relaxed))


def test_policy_now_is_used(pki: Any) -> None:
    person = pki.person()
    later = Policy(accepted_issuers=pki.policy.accepted_issuers, now=NOW + 800 * DAY)
    assert "expired" in codes(inspect_bytes(pem(person.certificate), later))


def test_self_signed(pki: Any) -> None:
    report = inspect_bytes(pem(pki.person(self_signed=True).certificate), pki.policy)
    assert codes(report) == {"self_signed"}
    assert report.subject is not None and report.subject.self_signed


def test_ca_certificate_instead_of_personal(pki: Any) -> None:
    data = pem(pki.intermediate.certificate) + pem(pki.accepted_root.certificate)
    report = inspect_bytes(data, pki.policy)
    assert "Test Client CA" in only(report, "ca_certificate").message
    assert report.subject is report.certificates[0]
    root_only = inspect_bytes(pem(pki.accepted_root.certificate), pki.policy)
    assert "(root)" in only(root_only, "ca_certificate").message


def test_personal_certificate_marked_ca(pki: Any) -> None:
    report = inspect_bytes(pem(pki.person(ca=True).certificate), pki.policy)
    assert "ca_certificate" in codes(report)


@pytest.mark.parametrize(
    ("options", "description"),
    [
        ({"key": None, "key_size": 1024}, "RSA 1024"),
        ({"key": None, "key_type": "ec", "curve": "secp224r1"}, "EC P-224"),
    ],
)
def test_weak_key(pki: Any, options: dict[str, Any], description: str) -> None:
    person = pki.person(**options)
    report = inspect_bytes(pem(person.certificate) + pem(pki.intermediate.certificate), pki.policy)
    assert description in only(report, "weak_key").message


def test_strong_keys_pass(pki: Any) -> None:
    for options in ({"key": pki.other_key}, {"key": None, "key_type": "ed25519"}):
        person = pki.person(**options)
        data = pem(person.certificate) + pem(pki.intermediate.certificate)
        assert inspect_bytes(data, pki.policy).ok


def _vector(*parts: str) -> Path:
    return Path(cryptography_vectors.__path__[0], *parts)


@pytest.mark.parametrize(
    ("vector", "algorithm"),
    [(("x509", "verisign_md2_root.pem"), "MD2"), (("x509", "accvraiz1.pem"), "SHA-1")],
)
def test_weak_signature_from_real_certificates(vector: tuple[str, ...], algorithm: str) -> None:
    # cryptography 50 refuses to sign with SHA-1 or MD5, so weak signatures come from vectors.
    report = inspect_path(_vector(*vector), Policy())
    assert algorithm in only(report, "weak_signature").message


def test_weak_dsa_key_from_a_real_certificate() -> None:
    report = inspect_path(_vector("x509", "custom", "dsa_selfsigned_ca.pem"), Policy())
    assert "DSA" in only(report, "weak_key").message


def test_eku_without_client_auth(pki: Any) -> None:
    person = pki.person(client_auth=False)
    report = inspect_bytes(pem(person.certificate) + pem(pki.intermediate.certificate), pki.policy)
    assert "E-mail Protection" in only(report, "no_client_auth").message


def test_several_personal_certificates_names_the_one_registered(pki: Any) -> None:
    first = pki.person(common_name="first6544")
    second = pki.person(common_name="second6544")
    data = pem(first.certificate) + pem(second.certificate) + pem(pki.intermediate.certificate)
    report = inspect_bytes(data, pki.policy)
    found = only(report, "several_certificates")
    assert "first6544" in found.message and "second6544" in found.message
    assert "would be registered: «first6544»" in found.message
    assert report.subject is not None and report.subject.subject_common_name == "first6544"


def test_private_key_in_pem_is_a_loud_warning(pki: Any) -> None:
    person = pki.person()
    data = pem(person.certificate) + key_pem(person.key) + pem(pki.intermediate.certificate)
    report = inspect_bytes(data, pki.policy)
    assert report.has_private_key and report.ok
    found = only(report, "private_key_in_file")
    assert "Never e-mail this file" in found.message
    # One consistent message: the app uploads only the certificate from such a file, so the
    # report must not forbid uploading what it also calls ready to upload.
    assert "upload" not in (found.message + found.remedy).lower()
    assert "BEGIN" not in str(report.to_dict())  # no key material in the JSON
    only_certificates = report.certificates_only()
    assert b"PRIVATE KEY" not in only_certificates
    assert only_certificates == pem(person.certificate) + pem(pki.intermediate.certificate)


def test_private_key_in_pem_that_does_not_match(pki: Any) -> None:
    person = pki.person()
    data = pem(person.certificate) + key_pem(pki.other_key)
    assert "key_mismatch" in codes(inspect_bytes(data, pki.policy))


def test_pkcs12_with_key_and_password(pki: Any) -> None:
    person = pki.person()
    data = pkcs12(person, b"s3cret", chain=[pki.intermediate.certificate])
    locked = inspect_bytes(data, pki.policy)
    assert codes(locked) == {"needs_password"} and locked.format == "PKCS#12"
    assert codes(inspect_bytes(data, pki.policy, password=b"wrong")) == {"wrong_password"}
    opened = inspect_bytes(data, pki.policy, password=b"s3cret")
    assert codes(opened) == {"private_key_in_file", "issuer_accepted"}
    assert opened.has_private_key and len(opened.certificates) == 2


def test_key_given_separately(pki: Any) -> None:
    person = pki.person()
    data = pem(person.certificate) + pem(pki.intermediate.certificate)
    assert inspect_bytes(data, pki.policy, key=key_pem(person.key)).ok
    mismatch = inspect_bytes(data, pki.policy, key=key_pem(pki.other_key))
    assert "does not belong" in only(mismatch, "key_mismatch").message
    other_p12 = pkcs12(make_personal(pki.intermediate, key=pki.other_key), b"pw")
    assert "key_mismatch" in codes(inspect_bytes(data, pki.policy, key=other_p12, password=b"pw"))
    assert "key_unreadable" in codes(inspect_bytes(data, pki.policy, key=b"not a key"))


def test_world_readable_file_with_key_is_an_error(pki: Any, tmp_path: Path) -> None:
    person = pki.person()
    path = tmp_path / "mine.pem"
    path.write_bytes(pem(person.certificate) + key_pem(person.key))
    path.chmod(0o644)
    found = only(inspect_path(path, pki.policy), "private_key_exposed")
    assert found.remedy == f"Make it private: chmod 600 {path}"
    path.chmod(0o600)
    assert "private_key_exposed" not in codes(inspect_path(path, pki.policy))


def test_readable_key_file_given_with_key_option(pki: Any, tmp_path: Path) -> None:
    person = pki.person()
    cert_path, key_path = tmp_path / "c.pem", tmp_path / "k.pem"
    cert_path.write_bytes(pem(person.certificate) + pem(pki.intermediate.certificate))
    key_path.write_bytes(key_pem(person.key))
    os.chmod(key_path, 0o640)
    report = inspect_path(cert_path, pki.policy, key=read_key_file(key_path, pki.policy))
    assert codes(report) == {"private_key_exposed", "issuer_accepted"}
    os.chmod(key_path, 0o600)
    assert inspect_path(cert_path, pki.policy, key=read_key_file(key_path, pki.policy)).ok
    missing = inspect_path(
        cert_path, pki.policy, key=read_key_file(tmp_path / "nope.pem", pki.policy)
    )
    assert "key_unreadable" in codes(missing)


def test_no_accepted_issuers_configured(pki: Any) -> None:
    report = inspect_bytes(pem(pki.person().certificate), Policy())
    assert "No accepted issuers" in only(report, "untrusted_issuer").message


def test_finding_round_trips_through_the_wire_contract() -> None:
    found = Finding("expired", "error", "m", "r")
    wire = encode(found)
    assert json.loads(wire) == {
        "code": "expired",
        "severity": "error",
        "message": "m",
        "remedy": "r",
    }
    assert decode(wire, Finding) == found
    # An unknown severity is never read as a harmless one: the answer is malformed.
    with pytest.raises(msgspec.ValidationError, match="severity"):
        decode(b'{"code": "x", "severity": "bogus", "message": "m"}', Finding)


def test_every_code_is_documented_with_its_severity() -> None:
    import sevis_tui.cert.findings as findings_module

    documented = findings_module.__doc__ or ""
    for code, severity in CODES.items():
        assert f"    {code:<20} {severity}" in documented, code


def test_remedies_list_the_vendors_of_the_configured_bundle(pki: Any) -> None:
    alpha = make_ca("Alpha Root", organization="Alpha Trust")
    beta = make_ca("Beta Root", organization="Beta Certificates")
    policy = Policy(accepted_issuers=(alpha.certificate, beta.certificate))
    stranger = make_ca("Unlisted Test CA", organization="Nobody Trusts Us Inc.")
    report = inspect_bytes(pem(pki.person(issuer=stranger).certificate), policy)
    found = only(report, "missing_intermediate")
    # The issuer found in the file first, then what the bundle says.
    assert found.message.startswith(
        "Issued by «Nobody Trusts Us Inc.», which is not an issuer SEVIS accepts"
    )
    assert "Alpha Trust or Beta Certificates" in found.remedy
    assert "Entrust" not in found.remedy and "Sectigo" not in found.remedy
    self_made = inspect_bytes(pem(pki.person(self_signed=True).certificate), policy)
    assert "Alpha Trust or Beta Certificates" in only(self_made, "self_signed").remedy

"""cert/request.py, cert/passphrase.py and cert/bundle.py: the key and CSR, the PKCS#12 and back."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sevis_tui.cert import Policy, inspect_bytes
from sevis_tui.cert.bundle import (
    BundleError,
    assemble,
    extract_certificate,
    read_certificates,
    read_private_key,
)
from sevis_tui.cert.factory import Issued, make_personal, pem, sign_request
from sevis_tui.cert.passphrase import passphrase_problem
from sevis_tui.cert.request import (
    KEY_CHOICES,
    LABELS,
    RequestDetails,
    build_csr,
    check_details,
    encrypted_key_pem,
    new_private_key,
    next_steps,
    summarize,
)

# The clock the session's test PKI was made on (tests/cert/conftest.py: its CAs start a day
# before it), fixed once: a fixed date here would fall before those CAs on a later day.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DETAILS = RequestDetails("Jordan Smith", "jsmith@example.edu", "Example University", "jsmith6544")
PASS = b"correct horse battery"
OPENSSL = shutil.which("openssl")


def openssl(*args: str, data: bytes = b"") -> str:
    if OPENSSL is None:
        pytest.skip("openssl is not installed")
    done = subprocess.run(
        [OPENSSL, *args], input=data, capture_output=True, check=False, timeout=30
    )
    assert done.returncode == 0, done.stderr.decode()
    return (done.stdout + done.stderr).decode()


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    key = new_private_key("ec-p256")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def issued_for(key: Any, issuer: Issued, **dates: dt.datetime) -> x509.Certificate:
    """The vendor's part: sign the officer's CSR."""
    start = dates.get("not_before", NOW - dt.timedelta(days=1))
    end = dates.get("not_after", NOW + dt.timedelta(days=365))
    return sign_request(issuer, build_csr(key, DETAILS), not_before=start, not_after=end)


def policy(pki: Any, *extra: x509.Certificate) -> Policy:
    return Policy(accepted_issuers=(pki.accepted_root.certificate, *extra), now=NOW)


# --------------------------------------------------------------------------- the request


def test_good_details_pass_and_each_bad_field_is_named() -> None:
    assert check_details(DETAILS) == []
    bad = RequestDetails("", "not an address", "x" * 65, "j$")
    fields = [problem.field for problem in check_details(bad)]
    assert fields == ["name", "email", "organization", "user_id"]
    assert all(p.message.endswith(".") for p in check_details(bad))
    control = RequestDetails("Jordan\x1bSmith", "a@b.example", "Org", "jsmith6544")
    assert [p.field for p in check_details(control)] == ["name"]


@pytest.mark.parametrize("field", ["name", "email", "organization", "user_id"])
@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x01", "\x7f", "\x9b", "\u202e"])
def test_a_control_character_in_any_field_is_named_with_its_field(field: str, char: str) -> None:
    good = {"name": "Jordan Smith", "email": "js@x.edu", "organization": "Org", "user_id": "js6544"}
    good[field] = f"life{char}@x.edu" if field == "email" else f"js{char}6544"
    problems = check_details(RequestDetails(**good))
    assert [p.field for p in problems] == [field]
    place = 5 if field == "email" else 3
    message = problems[0].message
    assert f"character U+{ord(char):04X} (character {place})" in message
    assert message.isprintable() and message.startswith(LABELS[field])  # type: ignore[index]


@pytest.mark.parametrize("choice", list(KEY_CHOICES))
def test_every_key_offered_passes_the_rules(choice: Any, pki: Any) -> None:
    key = new_private_key(choice)
    if isinstance(key, rsa.RSAPrivateKey):
        assert key.key_size >= 3072
    else:
        assert key.curve.key_size >= 256
    certificate = issued_for(key, pki.intermediate)
    chain = pem(certificate) + pem(pki.intermediate.certificate)
    report = inspect_bytes(chain, policy(pki))
    assert report.ok, report.findings
    assert "weak_key" not in {f.code for f in report.findings}


def test_the_default_key_is_rsa_3072() -> None:
    key = new_private_key()
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072


def test_the_csr_asks_for_a_personal_client_certificate(ec_key: Any) -> None:
    csr = build_csr(ec_key, DETAILS)
    assert csr.is_signature_valid
    assert isinstance(csr.signature_hash_algorithm, hashes.SHA256)
    subject = csr.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Jordan Smith"
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "jsmith6544"
    assert subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == DETAILS.email
    usages = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in usages
    names = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.RFC822Name) == [DETAILS.email]
    summary = summarize(csr)
    assert summary.key == "EC P-256" and "CN=Jordan Smith" in summary.subject
    assert len(summary.sha256.split(":")) == 32
    steps = " ".join(next_steps("j.csr", "j.key", "Sectigo or IdenTrust"))
    assert "client authentication" in steps and "Sectigo or IdenTrust" in steps
    assert "BEGIN CERTIFICATE REQUEST" in steps and "make-p12 --key j.key" in steps


def test_the_key_is_pkcs8_with_aes_256(ec_key: Any, tmp_path: Path) -> None:
    data = encrypted_key_pem(ec_key, PASS)
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = serialization.load_pem_private_key(data, PASS)
    assert loaded.public_key() == ec_key.public_key()
    with pytest.raises(ValueError):
        encrypted_key_pem(ec_key, b"")
    parsed = openssl("asn1parse", data=data)
    assert "PBES2" in parsed and "PBKDF2" in parsed
    assert "aes-256-cbc" in parsed and "hmacWithSHA256" in parsed


@pytest.mark.parametrize(
    ("first", "second", "problem"),
    [
        ("short pass1", "short pass1", "needs at least 12"),
        ("twelve chars", "twelve charz", "differ"),
        ("tab\there pass", "tab\there pass", "control character"),
        ("twelve chars", "twelve chars", ""),
    ],
)
def test_passphrase_rule(first: str, second: str, problem: str) -> None:
    said = passphrase_problem(first, second)
    assert (problem in said) if problem else said == ""


# --------------------------------------------------------------------------- reading inputs


def test_key_reading_says_what_is_wrong(ec_key: Any, pki: Any) -> None:
    data = encrypted_key_pem(ec_key, PASS)
    assert read_private_key(data, PASS, "k").public_key() == ec_key.public_key()
    for given, code in ((None, "key_encrypted"), (b"wrong passphrase!", "wrong_passphrase")):
        with pytest.raises(BundleError) as caught:
            read_private_key(data, given, "k")
        assert caught.value.code == code and caught.value.remedy
    with pytest.raises(BundleError) as caught:
        read_private_key(pem(pki.accepted_root.certificate), None, "cert.pem")
    assert caught.value.code == "no_key"
    with pytest.raises(BundleError) as caught:
        read_certificates(b"no certificate here", "c")
    assert caught.value.code == "not_a_certificate"


# --------------------------------------------------------------------------- the PKCS#12


def test_assemble_completes_the_chain_and_passes_the_checks(ec_key: Any, pki: Any) -> None:
    leaf = issued_for(ec_key, pki.intermediate)
    made = assemble(ec_key, [leaf, pki.intermediate.certificate], policy(pki), PASS)
    assert made.chain == (pki.intermediate.certificate, pki.accepted_root.certificate)
    assert made.report.ok and made.report.subject is not None
    loaded = pkcs12.load_pkcs12(made.data, PASS)
    assert loaded.cert is not None and loaded.cert.certificate == leaf
    assert loaded.key is not None and loaded.key.public_key() == ec_key.public_key()
    assert extract_certificate(made.data, PASS, "p12") == leaf


def test_the_chain_comes_from_the_accepted_bundle_too(ec_key: Any, pki: Any) -> None:
    leaf = issued_for(ec_key, pki.intermediate)
    rules = policy(pki, pki.intermediate.certificate)
    made = assemble(ec_key, [leaf], rules, PASS)
    assert made.chain[0] == pki.intermediate.certificate


def test_a_chain_that_cannot_be_completed_offline_is_refused(ec_key: Any, pki: Any) -> None:
    leaf = issued_for(ec_key, pki.intermediate)
    with pytest.raises(BundleError) as caught:
        assemble(ec_key, [leaf], policy(pki), PASS, cert_name="me.pem")
    assert caught.value.code == "chain_incomplete"
    assert "me.pem" in caught.value.message
    assert "missing_intermediate" in {f.code for f in caught.value.findings}


def test_a_key_that_does_not_match_is_refused(ec_key: Any, pki: Any) -> None:
    someone = make_personal(pki.intermediate, key=pki.person_key, not_before=NOW)
    with pytest.raises(BundleError) as caught:
        assemble(ec_key, [someone.certificate], policy(pki), PASS)
    assert caught.value.code == "key_mismatch"


def test_an_expired_certificate_is_refused_with_the_inspect_finding(ec_key: Any, pki: Any) -> None:
    old = issued_for(
        ec_key,
        pki.intermediate,
        not_before=NOW - dt.timedelta(days=400),
        not_after=NOW - dt.timedelta(days=2),
    )
    with pytest.raises(BundleError) as caught:
        assemble(ec_key, [old, pki.intermediate.certificate], policy(pki), PASS)
    assert caught.value.code == "certificate_refused"
    assert [f.code for f in caught.value.findings] == ["expired"]


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        (False, ("AES-256-CBC", "MAC: sha256", "hmacWithSHA256")),
        (True, ("pbeWithSHA1And3-KeyTripleDES-CBC", "MAC: sha1")),
    ],
)
def test_openssl_reads_both_forms(
    ec_key: Any, pki: Any, tmp_path: Path, legacy: bool, expected: tuple[str, ...]
) -> None:
    leaf = issued_for(ec_key, pki.intermediate)
    made = assemble(ec_key, [leaf, pki.intermediate.certificate], policy(pki), PASS, legacy=legacy)
    target = tmp_path / "batch.p12"
    target.write_bytes(made.data)
    (tmp_path / "pass").write_bytes(PASS + b"\n")
    info = openssl(
        "pkcs12", "-info", "-noout", "-in", str(target), "-passin", f"file:{tmp_path / 'pass'}"
    )
    for text in expected:
        assert text in info, info
    assert ("3DES" in info or "TripleDES" in info) == legacy


def test_extract_with_a_wrong_passphrase_says_so(ec_key: Any, pki: Any) -> None:
    leaf = issued_for(ec_key, pki.intermediate)
    made = assemble(ec_key, [leaf, pki.intermediate.certificate], policy(pki), PASS)
    with pytest.raises(BundleError) as caught:
        extract_certificate(made.data, b"not the passphrase", "batch.p12")
    assert caught.value.code == "p12_unreadable" and "batch.p12" in caught.value.message

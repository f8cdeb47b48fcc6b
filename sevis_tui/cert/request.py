"""A new private key and its certificate signing request (CSR) for a certificate vendor. No I/O.

Vendors of personal client-authentication certificates ask for a CSR (docs/domain.md,
"Certificates"): the officer keeps the key, sends the CSR, and gets the certificate back. The
keys offered are never weaker than the rules in `judge.py` accept: RSA 3072 by default
(RSA 2048 is the minimum accepted, and vendors' guidance has moved past it), or EC P-256.
The key is written as PKCS#8 encrypted with AES-256 (PBES2, PBKDF2-HMAC-SHA256), which is what
cryptography's BestAvailableEncryption gives for PKCS#8.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sevis_tui.cert.describe import fingerprint, name_text

KeyChoice = Literal["rsa-3072", "rsa-4096", "ec-p256", "ec-p384"]
DEFAULT_KEY: KeyChoice = "rsa-3072"
# What each choice is called on screen and in --help, in the order offered.
KEY_CHOICES: dict[KeyChoice, str] = {
    "rsa-3072": "RSA 3072 (default)",
    "rsa-4096": "RSA 4096",
    "ec-p256": "EC P-256",
    "ec-p384": "EC P-384",
}
NewKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

# RFC 5280 upper bounds (ub-common-name, ub-organization-name) and PKCS#9's for emailAddress.
MAX_NAME = 64
MAX_EMAIL = 255
# docs/domain.md, "Identifiers": user IDs of 4 to 10 letters and digits.
USER_ID = re.compile(r"[A-Za-z0-9]{4,10}")
# One @, something on each side, a dot in the domain, no spaces: the vendor checks the rest
# (it sends a confirmation to the address).
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@dataclass(frozen=True)
class RequestDetails:
    """Who the certificate is for: what the vendor's form asks and the CSR's subject holds."""

    name: str  # the officer's full name
    email: str
    organization: str
    user_id: str  # the SEVIS user ID: the files are named after it


Field = Literal["name", "email", "organization", "user_id"]


@dataclass(frozen=True)
class Problem:
    """One field that cannot go into a request, and what to type instead."""

    field: Field
    message: str


# What each field is called in a refusal.
LABELS: dict[Field, str] = {
    "name": "Your full name",
    "email": "The e-mail address",
    "organization": "The organization",
    "user_id": "The SEVIS user ID",
}


def check_details(details: RequestDetails) -> list[Problem]:
    """Everything wrong with the details, in form order (empty: the request can be made).

    A control or invisible character (C0, DEL, C1, bidi overrides...) is refused in every
    field, before anything else is judged: it would land in the CSR and, printed back, in the
    officer's terminal."""
    values: dict[Field, str] = {
        "name": details.name,
        "email": details.email,
        "organization": details.organization,
        "user_id": details.user_id,
    }
    problems = [
        Problem(field, _unprintable(LABELS[field], value))
        for field, value in values.items()
        if _unprintable(LABELS[field], value)
    ]
    refused = {problem.field for problem in problems}
    for field in ("name", "organization"):
        text = values[field].strip()
        if field in refused:
            continue
        if not text:
            problems.append(
                Problem(field, f"{LABELS[field]} is missing: type it as the vendor knows it.")
            )
        elif len(text) > MAX_NAME:
            problems.append(
                Problem(
                    field, f"{LABELS[field]} is {len(text)} characters; at most {MAX_NAME} fit."
                )
            )
    email = details.email.strip()
    bad_email = not EMAIL.fullmatch(email) or len(email) > MAX_EMAIL or not email.isascii()
    if "email" not in refused and bad_email:
        problems.append(
            Problem(
                "email",
                "The e-mail address is not one a vendor can write to (like "
                "jsmith@example.edu, plain letters, no spaces).",
            )
        )
    if "user_id" not in refused and not USER_ID.fullmatch(details.user_id.strip()):
        problems.append(
            Problem(
                "user_id",
                "The SEVIS user ID is 4 to 10 letters and digits (like jsmith6544).",
            )
        )
    order: tuple[Field, ...] = ("name", "email", "organization", "user_id")
    return sorted(problems, key=lambda p: order.index(p.field))


def _unprintable(label: str, value: str) -> str:
    """Why value cannot go into a request ("" when it can): its first control character
    (C0, DEL, C1) or other character that does not print, named by code point and place."""
    for place, char in enumerate(value, start=1):
        if not char.isprintable() and char != " ":
            kind = "control" if unicodedata.category(char) == "Cc" else "invisible"
            return (
                f"{label} holds the {kind} character U+{ord(char):04X} (character {place}): "
                "retype it without it."
            )
    return ""


def new_private_key(choice: KeyChoice = DEFAULT_KEY) -> NewKey:
    """A fresh key of the chosen kind (RSA takes a fraction of a second: run it off the UI)."""
    if choice == "rsa-3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if choice == "rsa-4096":
        return rsa.generate_private_key(public_exponent=65537, key_size=4096)
    if choice == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if choice == "ec-p384":
        return ec.generate_private_key(ec.SECP384R1())
    raise ValueError(f"unknown key choice {choice!r}")  # a programming error


def subject_name(details: RequestDetails) -> x509.Name:
    """The CSR's subject: the officer by name, the organization, the user ID (LDAP UID), e-mail.

    Vendors validate and may rewrite the subject; the user ID lets the officer (and
    `sevis-tui inspect`) tell whose certificate it is.
    """
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, details.organization.strip()),
            x509.NameAttribute(NameOID.COMMON_NAME, details.name.strip()),
            x509.NameAttribute(NameOID.USER_ID, details.user_id.strip()),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, details.email.strip()),
        ]
    )


# What a personal client-authentication certificate is for: the CSR asks for it, and the demo
# vendor (cert/factory.sign_request) grants it.
PERSONAL_PURPOSES = (ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION)


def personal_key_usage(rsa_key: bool) -> x509.KeyUsage:
    """Signing; with an RSA key also key encipherment (TLS with RSA key transport)."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=rsa_key,  # EC keys only sign
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def build_csr(key: NewKey, details: RequestDetails) -> x509.CertificateSigningRequest:
    """The CSR, signed with SHA-256, asking for a personal client-authentication certificate."""
    usage = personal_key_usage(isinstance(key, rsa.RSAPrivateKey))
    purposes = list(PERSONAL_PURPOSES)
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject_name(details))
        .add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(details.email.strip())]), critical=False
        )
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
        .sign(key, hashes.SHA256())
    )


def encrypted_key_pem(key: NewKey, passphrase: bytes) -> bytes:
    """The key as PKCS#8 PEM, encrypted with AES-256-CBC under PBKDF2-HMAC-SHA256."""
    if not passphrase:
        raise ValueError("a private key is never written without a passphrase")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def csr_pem(csr: x509.CertificateSigningRequest) -> bytes:
    return csr.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class RequestSummary:
    """What the officer checks before pasting the CSR into a vendor's form."""

    subject: str  # RFC 4514, as `inspect` shows subjects
    sha256: str  # of the CSR's DER, colon-separated upper-case hex
    key: str  # e.g. "RSA 3072", "EC P-256"


def summarize(csr: x509.CertificateSigningRequest) -> RequestSummary:
    der = csr.public_bytes(serialization.Encoding.DER)
    public = csr.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        key = f"RSA {public.key_size}"
    elif isinstance(public, ec.EllipticCurvePublicKey):
        key = {"secp256r1": "EC P-256", "secp384r1": "EC P-384"}.get(
            public.curve.name, f"EC {public.curve.name}"
        )
    else:
        key = type(public).__name__
    return RequestSummary(name_text(csr.subject), fingerprint(der, "sha256"), key)


def next_steps(csr_file: str, key_file: str, vendors: str, assemble: str = "") -> list[str]:
    """What to do with the CSR, in order; `vendors` names the accepted issuers ("A, B or C").
    `assemble` says how to make the .p12 where the steps are read (the command by default)."""
    assemble = assemble or f"sevis-tui make-p12 --key {key_file} --cert CERTIFICATE"
    return [
        f"Order a personal certificate with client authentication from an issuer SEVIS "
        f"accepts ({vendors}); vendors sell it as a personal, S/MIME or client "
        "authentication certificate.",
        f"When the order form asks for a CSR, paste the whole of {csr_file}, from its "
        "-----BEGIN CERTIFICATE REQUEST----- line to its -----END CERTIFICATE REQUEST----- line.",
        f"Keep {key_file} and its passphrase safe: the certificate works only with this key. "
        "Never send the key to anyone, the vendor included.",
        f"When the certificate arrives, put key and certificate into the batch client's file: "
        f"{assemble}; then register the certificate for each of your programs.",
    ]

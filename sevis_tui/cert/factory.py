"""Build test and demo certificates with cryptography's builders (no network, no files).

Used by the tests, the benchmark, `sevis-tui demo-certs` and the embedded demo service.
Everything here is pure: it returns objects or bytes and writes nothing.

    ca = make_ca("Demo Issuing CA")
    person = make_personal(ca, user_id="jsmith6544")
    pem(person.certificate), key_pem(person.key), pkcs12(person, b"secret", chain=[ca.certificate])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs7 as pkcs7_serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_serialization
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

# The encoders are cert/encoding.py's; named here too for the tests and demos that build with
# this module.
from sevis_tui.cert.encoding import der as der
from sevis_tui.cert.encoding import encryption
from sevis_tui.cert.encoding import key_pem as key_pem
from sevis_tui.cert.encoding import pem as pem
from sevis_tui.cert.request import PERSONAL_PURPOSES, personal_key_usage

PrivateKey = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | dsa.DSAPrivateKey | (ed25519.Ed25519PrivateKey)
)

KeyType = Literal["rsa", "ec", "dsa", "ed25519"]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "md5": hashes.MD5,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp192r1": ec.SECP192R1,
    "secp224r1": ec.SECP224R1,
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1,
}


@dataclass(frozen=True)
class Issued:
    """A certificate and the private key that belongs to it."""

    certificate: x509.Certificate
    key: PrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_key(
    key_type: KeyType = "rsa", key_size: int = 2048, curve: str | None = None
) -> PrivateKey:
    """A fresh private key. `curve` is a name such as "secp256r1" (EC only)."""
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    if key_type == "ec":
        curve_class = _CURVES[curve or "secp256r1"]
        return ec.generate_private_key(curve_class())
    if key_type == "dsa":
        return dsa.generate_private_key(key_size=key_size)
    return ed25519.Ed25519PrivateKey.generate()


def _hash(key: PrivateKey, hash_name: str) -> Any:
    """The hash to sign with (typed loosely: cryptography's stubs list only SHA-2/3)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return None  # Ed25519 signs without a separate hash
    return _HASHES[hash_name]()


def _subject_key_id(key: PrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def make_ca(
    name: str,
    *,
    organization: str = "Demo Trust Services",
    key_size: int = 2048,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    issuer: Issued | None = None,
    key: PrivateKey | None = None,
    serial: int | None = None,
) -> Issued:
    """A CA certificate: a root when `issuer` is None, else an intermediate signed by `issuer`."""
    ca_key = key or new_key("rsa", key_size)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    start = not_before or _now() - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=3650)
    signer_key = issuer.key if issuer else ca_key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(ca_key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(_subject_key_id(ca_key), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    certificate = builder.sign(signer_key, _hash(signer_key, "sha256"))
    return Issued(certificate, ca_key)


def make_personal(
    issuer: Issued,
    *,
    user_id: str = "jsmith6544",
    email: str | None = "jsmith@example.edu",
    key_type: KeyType = "rsa",
    key_size: int = 2048,
    curve: str | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    hash_name: str = "sha256",
    client_auth: bool = True,
    ca: bool = False,
    self_signed: bool = False,
    key: PrivateKey | None = None,
    common_name: str | None = None,
    organization: str | None = "Example University",
    ca_issuers_url: str | None = None,
    serial: int | None = None,
) -> Issued:
    """A personal (S/MIME-class) client-authentication certificate for a SEVIS user.

    `client_auth=False` gives an EKU with only emailProtection; `ca=True` marks it a CA;
    `self_signed=True` signs it with its own key and ignores `issuer`. `key` reuses a key
    (the benchmark does, to avoid generating thousands of RSA keys).
    """
    own_key = key or new_key(key_type, key_size, curve)
    subject = _personal_name(user_id, email, common_name, organization)
    start = not_before or _now() - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=365)
    signer_key = own_key if self_signed else issuer.key
    usages = [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    if client_auth:
        usages.insert(0, ExtendedKeyUsageOID.CLIENT_AUTH)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if self_signed else issuer.certificate.subject)
        .public_key(own_key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_personal_key_usage(ca=ca, rsa=key_type == "rsa"), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(_subject_key_id(own_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    )
    builder = _with_email_and_issuer_url(builder, email, ca_issuers_url)
    certificate = builder.sign(signer_key, _hash(signer_key, hash_name))
    return Issued(certificate, own_key)


def _with_email_and_issuer_url(
    builder: x509.CertificateBuilder, email: str | None, ca_issuers_url: str | None
) -> x509.CertificateBuilder:
    """The e-mail address as a subject alternative name; where the issuer's certificate is."""
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    if ca_issuers_url:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(ca_issuers_url)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    return builder


def _personal_name(
    user_id: str, email: str | None, common_name: str | None, organization: str | None
) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "US")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name or user_id))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attributes)


def _personal_key_usage(*, ca: bool, rsa: bool) -> x509.KeyUsage:
    """Signing; key encipherment for RSA keys; certificate signing only for a CA."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=rsa,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def make_server(
    issuer: Issued,
    hosts: Sequence[str],
    *,
    not_before: dt.datetime | None = None,
    days: int = 825,
) -> Issued:
    """A TLS server certificate for `hosts` (names or IP addresses), e.g. the demo's batch
    listener on loopback. EC P-256: quick to make at each start."""
    import ipaddress

    key = new_key("ec")
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    start = (not_before or _now()).replace(microsecond=0) - dt.timedelta(days=1)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0] if hosts else "server")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(_subject_key_id(key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .sign(issuer.key, _hash(issuer.key, "sha256"))
    )
    return Issued(certificate, key)


def pkcs12(issued: Issued, password: bytes | None, chain: Sequence[x509.Certificate] = ()) -> bytes:
    """A PKCS#12 (.p12/.pfx) holding the key, the certificate and the chain."""
    name = issued.certificate.subject.rfc4514_string().encode("utf-8", "replace")[:64]
    return pkcs12_serialization.serialize_key_and_certificates(
        name, issued.key, issued.certificate, list(chain) or None, encryption(password)
    )


def pkcs7(certificates: Sequence[x509.Certificate], der: bool = False) -> bytes:
    """A certs-only PKCS#7 (.p7b) bundle, PEM by default."""
    encoding = serialization.Encoding.DER if der else serialization.Encoding.PEM
    return pkcs7_serialization.serialize_certificates(list(certificates), encoding)


def sign_request(
    issuer: Issued,
    request: x509.CertificateSigningRequest,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    serial: int | None = None,
) -> x509.Certificate:
    """What a vendor does with a CSR: a personal client-authentication certificate for its key
    and subject, signed by `issuer` (tests and the demo play the vendor with the demo issuer)."""
    start = not_before or _now() - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=365)
    public = request.public_key()
    rsa_key = isinstance(public, rsa.RSAPublicKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(request.subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(public)
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(personal_key_usage(rsa_key), critical=True)
        .add_extension(x509.ExtendedKeyUsage(list(PERSONAL_PURPOSES)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    try:
        names = request.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        pass
    else:
        builder = builder.add_extension(names.value, critical=False)
    return builder.sign(issuer.key, _hash(issuer.key, "sha256"))

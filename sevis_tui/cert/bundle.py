"""The batch client's PKCS#12: key, certificate and chain in one file, and the way back. No I/O.

`assemble` checks that the key belongs to the certificate, completes the chain from the
certificate file or the accepted issuers (cryptography's `x509.verification`: nothing is
fetched), runs the very checks `sevis-tui inspect` runs, and serialises the PKCS#12 in memory,
then inspects those bytes too: what it returns has no error finding. `extract_certificate` is the
reverse: the certificate alone, from a .p12, for upload.

Two encryptions (docs/domain.md, "Certificates"):
- modern (the default): PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC for key and
  certificates, an HMAC-SHA256 integrity check;
- legacy: PKCS#12's SHA-1 key derivation with 3-key triple DES and an HMAC-SHA1 check, the
  only form some older Java batch clients read. It is weaker: 3DES is a 64-bit-block cipher
  of about 112 bits of strength, and SHA-1 is a broken hash, so a stolen file is cheaper to
  attack; the passphrase then matters all the more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
)

from sevis_tui.cert.engine import inspect_bytes
from sevis_tui.cert.findings import Finding
from sevis_tui.cert.judge import key_matches
from sevis_tui.cert.loading import load
from sevis_tui.cert.model import FileReport, Policy
from sevis_tui.cert.refusals import chain_refusal, verifier_detail

LEGACY_WARNING = (
    "The legacy form (3DES and SHA-1) is weaker than the modern one (AES-256, PBKDF2 with "
    "SHA-256): a stolen copy is cheaper to attack. Use it only for a batch client that cannot "
    "read the modern form (some older Java runtimes), and give it a long passphrase."
)


# The engine's findings that mean the path to an accepted issuer cannot be built offline.
CHAIN_CODES = frozenset({"missing_intermediate", "untrusted_issuer", "chain_invalid"})


class BundleError(Exception):
    """Why the PKCS#12 cannot be made (or read): one line, what to do, and any findings.

    code: key_encrypted, wrong_passphrase, no_key, unsupported_key, not_a_certificate,
    key_mismatch, certificate_refused, chain_incomplete, no_issuers, p12_refused,
    p12_needs_passphrase, p12_unreadable, p12_without_certificate.
    """

    def __init__(
        self, code: str, message: str, remedy: str, findings: Sequence[Finding] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.remedy = remedy
        self.findings = tuple(findings)


# --------------------------------------------------------------------------- reading the inputs


def read_private_key(data: bytes, passphrase: bytes | None, name: str) -> PrivateKeyTypes:
    """The private key in a PEM or DER file (PKCS#8 or traditional, encrypted or not)."""
    for loader in (serialization.load_pem_private_key, serialization.load_der_private_key):
        try:
            return loader(data, None)
        except TypeError:  # "password was not given but private key is encrypted"
            pass
        except (ValueError, UnsupportedAlgorithm):
            continue  # not this format (or not a key at all)
        if passphrase is None:
            raise BundleError(
                "key_encrypted",
                f"The key {name} is encrypted and no passphrase was given.",
                "Give the passphrase you chose when the key was made.",
            )
        try:
            return loader(data, passphrase)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise BundleError(
                "wrong_passphrase",
                f"The passphrase does not open the key {name}.",
                "Type the passphrase you chose when the key was made (letter case counts).",
            ) from None
    raise BundleError(
        "no_key",
        f"{name} holds no private key that can be read.",
        "Give the key file made with the certificate request (PEM, '-----BEGIN ENCRYPTED "
        "PRIVATE KEY-----'), not the certificate or the CSR.",
    )


def read_certificates(data: bytes, name: str) -> list[x509.Certificate]:
    """Every certificate in a PEM, DER or PKCS#7 file, the first in the file first."""
    loaded = load(data)
    if not loaded.certificates:
        problems = [f for f in loaded.findings if f.severity == "error"]
        raise BundleError(
            "not_a_certificate",
            f"{name} holds no certificate that can be read.",
            "Give the certificate your vendor sent (.cer, .crt or .pem).",
            problems,
        )
    return [certificate for certificate, _der in loaded.certificates]


# --------------------------------------------------------------------------- making the .p12


@dataclass(frozen=True)
class Assembled:
    """A PKCS#12 that passed every check, before it is written anywhere."""

    data: bytes
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the issuers, the certificate's own issuer first
    report: FileReport  # the offline checks of `data` itself
    legacy: bool


def encryption(passphrase: bytes, legacy: bool) -> serialization.KeySerializationEncryption:
    builder = serialization.PrivateFormat.PKCS12.encryption_builder()
    if legacy:
        builder = builder.key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(
            hashes.SHA1()
        )
    else:
        builder = builder.key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(
            hashes.SHA256()
        )
    return builder.build(passphrase)


def assemble(
    key: PrivateKeyTypes,
    certificates: Sequence[x509.Certificate],
    policy: Policy,
    passphrase: bytes,
    *,
    legacy: bool = False,
    cert_name: str = "the certificate file",
) -> Assembled:
    """The PKCS#12 of the key's certificate (from `certificates`) and its completed chain."""
    mine = [c for c in certificates if key_matches(key, c)]
    if not mine:
        raise BundleError(
            "key_mismatch",
            f"The key does not belong to any certificate in {cert_name}.",
            "Give the key made with this certificate's request; a renewed certificate has a "
            "new key.",
        )
    leaf = mine[0]
    others = [c for c in certificates if c is not leaf]
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, *others))
    checked = inspect_bytes(pem, policy, name=cert_name)
    if any(f.code in CHAIN_CODES for f in checked.errors):
        raise BundleError(
            "chain_incomplete",
            f"The chain of {cert_name} cannot be completed offline to an accepted issuer, so "
            "no PKCS#12 was made.",
            "Add the vendor's intermediate certificate to the certificate file (vendors send it "
            "as a 'chain' or 'CA bundle'), or check that the issuer is one SEVIS accepts.",
            checked.errors,
        )
    if checked.errors:
        raise BundleError(
            "certificate_refused",
            f"{cert_name} would not pass SEVIS's checks, so no PKCS#12 was made.",
            "Fix each error below (the same ones `sevis-tui inspect` reports).",
            checked.errors,
        )
    chain = complete_chain(leaf, others, policy)
    name = _friendly_name(leaf)
    data = pkcs12.serialize_key_and_certificates(
        name, _serialisable(key), leaf, list(chain) or None, encryption(passphrase, legacy)
    )
    report = inspect_bytes(data, policy, name=cert_name, password=passphrase)
    if report.errors:  # fail closed: what would be written must pass too
        raise BundleError(
            "p12_refused",
            "The PKCS#12 made from these files does not pass the offline checks.",
            "Fix each error below, then try again.",
            report.errors,
        )
    return Assembled(data, leaf, chain, report, legacy)


def complete_chain(
    leaf: x509.Certificate, others: Sequence[x509.Certificate], policy: Policy
) -> tuple[x509.Certificate, ...]:
    """The validated chain above `leaf` up to an accepted issuer, from the file and the bundle.

    Only the issuer rules are applied here; the certificate's own rules are `inspect`'s.
    """
    if not policy.accepted_issuers:
        raise BundleError(
            "no_issuers",
            "No accepted issuer is configured, so the chain cannot be completed.",
            "Set certificates.accepted_issuers to a PEM bundle (see sevis-tui inspect --issuers).",
        )
    moment = policy.current_time().replace(microsecond=0)
    verifier = (
        PolicyBuilder()
        .store(Store(list(policy.accepted_issuers)))
        .time(moment)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, list(others))
    except Exception as error:  # VerificationError, or the verifier upset by malformed input
        # Worded from the certificates (profile.py), the verifier's words only as a detail.
        pool = [*others, *policy.accepted_issuers]
        refusal = chain_refusal(leaf, pool, moment, verifier_detail(error))
        detail = f" (detail: {refusal.detail})" if refusal.detail else ""
        raise BundleError(
            "chain_incomplete",
            f"The certificate's chain cannot be completed offline: {refusal.plain}{detail}.",
            "Add the vendor's intermediate certificate to the certificate file (vendors send "
            "it as a 'chain' or 'CA bundle'), or to the accepted issuers bundle.",
        ) from None
    return tuple(verified.chain[1:])


def _friendly_name(certificate: x509.Certificate) -> bytes:
    """The name a batch client or keystore shows for the entry: the certificate's common name."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = names[0].value if names else "sevis-batch"
    text = value if isinstance(value, str) else value.decode("utf-8", "replace")
    return text.encode("utf-8")[:64]


def _serialisable(key: PrivateKeyTypes) -> pkcs12.PKCS12PrivateKeyTypes:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(
        key,
        rsa.RSAPrivateKey
        | ec.EllipticCurvePrivateKey
        | dsa.DSAPrivateKey
        | ed25519.Ed25519PrivateKey
        | ed448.Ed448PrivateKey,
    ):
        return key
    raise BundleError(
        "unsupported_key",
        f"A {type(key).__name__} key cannot go into a PKCS#12 for the batch client.",
        "Make a new request with an RSA or EC key (sevis-tui request-certificate).",
    )


# --------------------------------------------------------------------------- and back


def extract_certificate(data: bytes, passphrase: bytes | None, name: str) -> x509.Certificate:
    """The certificate of the PKCS#12's key (the one to register), without key or chain."""
    try:
        loaded = pkcs12.load_pkcs12(data, passphrase)
    except ValueError:
        if passphrase is None:
            raise BundleError(
                "p12_needs_passphrase",
                f"{name} is protected by a passphrase and none was given.",
                "Give the passphrase of the .p12 file.",
            ) from None
        try:
            pkcs12.load_pkcs12(data, None)
        except ValueError:
            raise BundleError(
                "p12_unreadable",
                f"{name} is not a PKCS#12 file this passphrase opens.",
                "Check the passphrase (letter case counts) and that the file is a .p12/.pfx.",
            ) from None
        loaded = pkcs12.load_pkcs12(data, None)
    if loaded.cert is None:
        raise BundleError(
            "p12_without_certificate",
            f"{name} holds no certificate for its key.",
            "Give the .p12 the batch client uses (made with sevis-tui make-p12).",
        )
    return loaded.cert.certificate


def certificate_files(certificate: x509.Certificate) -> tuple[bytes, bytes]:
    """The certificate as PEM (.pem) and DER (.cer), ready for upload."""
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        certificate.public_bytes(serialization.Encoding.DER),
    )

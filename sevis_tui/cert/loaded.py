"""What the loaders found in a file's bytes, and the helpers they share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs7

from sevis_tui.cert.extensions import damage
from sevis_tui.cert.findings import Finding, finding


@dataclass
class Loaded:
    """What was found in the bytes, before any description or judgement."""

    format: str = "unknown"
    certificates: list[tuple[x509.Certificate, bytes]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    has_private_key: bool = False
    private_keys: list[PrivateKeyTypes] = field(default_factory=list)
    # The certificate that belongs to the key of a PKCS#12 file (index into certificates).
    key_certificate: int | None = None


def der_length(data: bytes) -> int | None:
    """Total length of the outer DER SEQUENCE at the start of data, or None if not definite."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    first = data[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(data) < 2 + count:
        return None  # indefinite (BER) or absurd length
    return 2 + count + int.from_bytes(data[2 : 2 + count], "big")


def not_a_certificate(data: bytes) -> Finding:
    """The finding for bytes that hold no certificate at all."""
    text_like = all(32 <= b < 127 or b in b"\r\n\t" for b in data[:512])
    kind = "plain text" if text_like else "binary data"
    return finding(
        "not_a_certificate",
        f"This file holds {kind}, not a certificate.",
        "Choose the certificate file your certificate provider gave you "
        "(usually .cer, .crt or .pem, often named after your SEVIS user ID).",
    )


def add_der_certificate(loaded: Loaded, der: bytes, where: str) -> bool:
    """Add one DER certificate; on failure say how it is damaged. True when added."""
    try:
        certificate = x509.load_der_x509_certificate(der)
    except Exception:  # ValueError, or x509.InvalidVersion (which is not one)
        length = der_length(der)
        if length is not None and length < len(der):
            try:
                certificate = x509.load_der_x509_certificate(der[:length])
            except Exception:  # damaged within its length too: said below
                pass
            else:
                loaded.certificates.append((certificate, der[:length]))
                loaded.findings.append(
                    finding(
                        "trailing_data",
                        f"{where} has {len(der) - length} extra bytes after the certificate; "
                        "they were ignored.",
                        "Usually harmless. If the service rejects the file, get a clean copy "
                        "from your provider.",
                    )
                )
                return True
        cut = length is not None and length > len(der)
        reason = "it is cut short" if cut else f"it cannot be read: {damage(der)}"
        loaded.findings.append(
            finding(
                "damaged_certificate",
                f"{where} looks like a certificate but {reason}.",
                "Get a fresh copy of the certificate from your provider.",
            )
        )
        return False
    loaded.certificates.append((certificate, der))
    return True


def add_pkcs7(loaded: Loaded, der: bytes, where: str) -> bool:
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(der)
    except Exception:  # unsupported content types raise more than ValueError
        loaded.findings.append(
            finding(
                "skipped_block",
                f"{where} is a PKCS#7 structure without readable certificates (it holds no "
                "certificate list, or one that is damaged); it was skipped.",
                "Ask your provider for the certificate as a .cer or .pem file.",
            )
        )
        return False
    add_certificates(loaded, certificates)
    return True


def add_certificates(loaded: Loaded, certificates: Iterable[x509.Certificate]) -> None:
    """Add parsed certificates (from PKCS#7 or PKCS#12) with their DER bytes."""
    for certificate in certificates:
        loaded.certificates.append(
            (certificate, certificate.public_bytes(serialization.Encoding.DER))
        )

"""Certificates and keys as bytes (PEM, DER, PKCS#8): the one encoder, cryptography's.

Production code and the test and demo builders (`factory.py`) both encode here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization

if TYPE_CHECKING:
    # Named only for the types: DSA's class warns (deprecated) when the engine's import reads it.
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def pem_from_der(certificate_der: bytes) -> bytes:
    """The PEM of a certificate kept as DER after it was parsed (so it parses again)."""
    return pem(x509.load_der_x509_certificate(certificate_der))


def encryption(password: bytes | None) -> serialization.KeySerializationEncryption:
    """Encrypt with the best available scheme when a (non-empty) password is given."""
    if password:
        return serialization.BestAvailableEncryption(password)
    return serialization.NoEncryption()


def key_pem(key: PrivateKeyTypes, password: bytes | None = None) -> bytes:
    """The private key as PKCS#8 PEM, encrypted when a password is given."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption(password)
    )

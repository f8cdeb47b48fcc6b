"""What the report calls curves, signature algorithms, key usages and extended key usages."""

from __future__ import annotations

from cryptography.x509.oid import ExtendedKeyUsageOID

CURVE_NAMES = {
    "secp256r1": "P-256",
    "secp384r1": "P-384",
    "secp521r1": "P-521",
    "secp224r1": "P-224",
    "secp192r1": "P-192",
}
# Signature algorithms by OID: known even when cryptography cannot use them (MD2, MD4).
SIGNATURE_NAMES = {
    "1.2.840.113549.1.1.2": "MD2 with RSA",
    "1.2.840.113549.1.1.3": "MD4 with RSA",
    "1.2.840.113549.1.1.4": "MD5 with RSA",
    "1.2.840.113549.1.1.5": "SHA-1 with RSA",
    "1.3.14.3.2.29": "SHA-1 with RSA",
    "1.3.14.3.2.3": "MD5 with RSA",
    "1.2.840.113549.1.1.10": "RSA-PSS",
    "1.2.840.113549.1.1.14": "SHA-224 with RSA",
    "1.2.840.113549.1.1.11": "SHA-256 with RSA",
    "1.2.840.113549.1.1.12": "SHA-384 with RSA",
    "1.2.840.113549.1.1.13": "SHA-512 with RSA",
    "1.2.840.10045.4.1": "ECDSA with SHA-1",
    "1.2.840.10045.4.3.1": "ECDSA with SHA-224",
    "1.2.840.10045.4.3.2": "ECDSA with SHA-256",
    "1.2.840.10045.4.3.3": "ECDSA with SHA-384",
    "1.2.840.10045.4.3.4": "ECDSA with SHA-512",
    "1.2.840.10040.4.3": "DSA with SHA-1",
    "1.3.14.3.2.27": "DSA with SHA-1",
    "2.16.840.1.101.3.4.3.1": "DSA with SHA-224",
    "2.16.840.1.101.3.4.3.2": "DSA with SHA-256",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
}
EKU_NAMES = {
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string: "Client Authentication",
    ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "E-mail Protection",
    ExtendedKeyUsageOID.SERVER_AUTH.dotted_string: "Server Authentication",
    ExtendedKeyUsageOID.CODE_SIGNING.dotted_string: "Code Signing",
    ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "Time Stamping",
    ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSP Signing",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string: "Any Purpose",
    ExtendedKeyUsageOID.SMARTCARD_LOGON.dotted_string: "Smart Card Logon",
    "1.3.6.1.4.1.311.10.3.12": "Document Signing",
}
KEY_USAGE_NAMES = (
    ("digital_signature", "Digital Signature"),
    ("content_commitment", "Non Repudiation"),
    ("key_encipherment", "Key Encipherment"),
    ("data_encipherment", "Data Encipherment"),
    ("key_agreement", "Key Agreement"),
    ("key_cert_sign", "Certificate Sign"),
    ("crl_sign", "CRL Sign"),
    ("encipher_only", "Encipher Only"),
    ("decipher_only", "Decipher Only"),
)

"""Binary files: a DER certificate, a PKCS#7 bundle (DER or BER) or a PKCS#12 (.p12/.pfx).

Tried cheapest first. The only bytes read by hand are the outer DER header (to tell trailing
bytes from a damaged certificate) and the PKCS#12 version marker (to tell "needs a password"
from "not PKCS#12"); all parsing is cryptography's.
"""

from __future__ import annotations

from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from sevis_tui.cert.findings import finding
from sevis_tui.cert.loaded import Loaded, add_certificates, add_der_certificate, der_length
from sevis_tui.cert.model import Password

# PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (OID pkcs7-data or signedData) }
_PKCS12_VERSION = b"\x02\x01\x03\x30"
_PKCS7_DATA_OIDS = (
    b"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01",
    b"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
)


def load_binary(data: bytes, password: Password | None) -> Loaded:
    length = der_length(data)
    if length is not None and length <= len(data):
        loaded = Loaded(format="DER")
        # When it is no certificate, what add_der_certificate found is dropped: other
        # formats are tried next.
        if add_der_certificate(loaded, data, "The certificate"):
            return loaded
    if looks_like_pkcs12(data):
        return _load_pkcs12(data, password)
    loaded = Loaded(format="PKCS#7")
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(data)
    except Exception:  # not PKCS#7 either
        return _load_der_leftovers(data, length)
    add_certificates(loaded, certificates)
    if not certificates:
        loaded.findings.append(
            finding(
                "not_a_certificate",
                "This PKCS#7 file holds no certificates.",
                "Ask your provider for the certificate as a .cer or .pem file.",
            )
        )
    return loaded


def _load_der_leftovers(data: bytes, length: int | None) -> Loaded:
    """A DER SEQUENCE that is neither certificate, PKCS#7 nor PKCS#12: say what it may be.

    length is der_length(data), already known to the caller.
    """
    loaded = Loaded(format="DER")
    if length is not None and length > len(data):
        loaded.findings.append(
            finding(
                "damaged_certificate",
                f"The file is cut short: it announces {length} bytes but holds {len(data)}.",
                "Get a complete copy of the certificate file from your provider.",
            )
        )
        return loaded
    other = _other_der_kind(data)
    if other is not None:
        loaded.findings.append(
            finding(
                "not_a_certificate",
                f"This file holds {other}, not a certificate.",
                "Choose the certificate file your provider sent once the request was approved "
                "(usually .cer or .pem).",
            )
        )
        return loaded
    try:
        serialization.load_der_private_key(data, None, unsafe_skip_rsa_key_validation=True)
    except Exception:  # not a key either
        probe = Loaded()
        add_der_certificate(probe, data, "The file")
        loaded.findings.extend(probe.findings)
        return loaded
    loaded.has_private_key = True
    loaded.findings.append(
        finding(
            "not_a_certificate",
            "This file holds only a private key, no certificate.",
            "Choose the certificate file instead (.cer or .pem). Keep this key file private.",
        )
    )
    return loaded


def _other_der_kind(data: bytes) -> str | None:
    """What a DER file that is not a certificate holds, when it is a CSR or a CRL."""
    try:
        x509.load_der_x509_csr(data)
    except Exception:  # not a CSR
        pass
    else:
        return "a certificate signing request (CSR)"
    try:
        x509.load_der_x509_crl(data)
    except Exception:  # not a CRL
        return None
    return "a certificate revocation list (CRL)"


def looks_like_pkcs12(data: bytes) -> bool:
    """The PKCS#12 version marker and a PKCS#7 data OID at the start (no password needed)."""
    head = data[:40]
    return _PKCS12_VERSION in head[:12] and any(oid in head for oid in _PKCS7_DATA_OIDS)


def _load_pkcs12(data: bytes, password: Password | None) -> Loaded:
    loaded = Loaded(format="PKCS#12")
    attempts: list[Password | None] = [password] if password is not None else [None, b""]
    bundle = None
    for attempt in attempts:
        try:
            # cryptography reads any buffer; its stubs say bytes.
            bundle = pkcs12.load_pkcs12(data, cast("bytes | None", attempt))
            break
        except Exception:  # wrong password or damaged
            continue
    if bundle is None:
        if password is None:
            loaded.findings.append(
                finding(
                    "needs_password",
                    "This PKCS#12 file is protected by a password; its certificates cannot be "
                    "listed without it.",
                    "Give the file's password when asked for it, or export the certificate "
                    "alone (.cer or .pem) from your browser or the batch client.",
                )
            )
        else:
            loaded.findings.append(
                finding(
                    "wrong_password",
                    "The password given does not open this PKCS#12 file (or the file is damaged).",
                    "Check the password (letter case counts) and try again, or export the "
                    "certificate alone (.cer or .pem) from the batch client.",
                )
            )
        return loaded
    if bundle.key is not None:
        loaded.has_private_key = True
        loaded.private_keys.append(bundle.key)
    if bundle.cert is not None:
        loaded.key_certificate = 0
        add_certificates(loaded, [bundle.cert.certificate])
    add_certificates(loaded, (extra.certificate for extra in bundle.additional_certs))
    if not loaded.certificates:
        loaded.findings.append(
            finding(
                "not_a_certificate",
                "This PKCS#12 file holds no certificate"
                + (" (only a private key)." if loaded.has_private_key else "."),
                "Export the certificate itself (.cer or .pem) from the batch client or browser.",
            )
        )
    return loaded

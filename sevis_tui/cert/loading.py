"""Load every certificate from bytes, whatever the format; never trust a file name.

Formats, sniffed from the content: PEM (any number of blocks, text around them, CRLF),
DER certificate, PKCS#7 certs-only bundle (PEM or DER/BER), PKCS#12. Nothing here raises on
bad data: problems become findings. Parsing is cryptography's; the only bytes read by hand
are the outer DER header (to tell trailing bytes from a damaged certificate) and the PKCS#12
version marker (to tell "needs a password" from "not PKCS#12").
"""

from __future__ import annotations

import binascii
import re
import warnings
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from sevis_tui.cert.findings import Finding, finding

# cryptography warns about tolerated defects (negative serials, BER instead of DER, odd
# attribute lengths) while parsing for us. The report describes the certificate as it is,
# so these warnings would only be noise on the officer's terminal: ignore the ones raised
# from this package's parsing calls (and only those).
warnings.filterwarnings("ignore", message=".*serial number which wasn't positive.*")
warnings.filterwarnings("ignore", module=r"sevis_tui\.cert\.")

# The body is "anything up to -----END", written unrolled ([^-]* runs) because the lazy
# (.*?) form tries the END pattern at every byte and was the loader's main cost.
_PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 #/_-]{1,64})-----([^-]*(?:-(?!----END )[^-]*)*)-----END \1-----"
)
_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #/_-]{1,64})-----")
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_PKCS7_LABELS = {b"PKCS7", b"CMS", b"PKCS #7 SIGNED DATA"}
_SKIPPED_NAMES = {
    b"X509 CRL": "a certificate revocation list (CRL)",
    b"CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"NEW CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"PUBLIC KEY": "a public key",
    b"RSA PUBLIC KEY": "a public key",
    b"DH PARAMETERS": "key-exchange parameters",
    b"EC PARAMETERS": "elliptic-curve parameters",
}
# PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo (OID pkcs7-data or signedData) }
_PKCS12_VERSION = b"\x02\x01\x03\x30"
_PKCS7_DATA_OIDS = (
    b"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01",
    b"\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
)


_EXTRA_TEXT = finding(
    "extra_text",
    "The file has text around its PEM blocks; it was ignored.",
    "Nothing to do: only the blocks between BEGIN and END lines count.",
)


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


def looks_like_certificate_file(data: bytes) -> bool:
    """Cheap content sniff used when walking a folder: PEM armour or a DER SEQUENCE."""
    return b"-----BEGIN " in data or (len(data) > 16 and data[0] == 0x30)


def load(data: bytes, *, password: bytes | None = None) -> Loaded:
    """Every certificate in data, with findings for whatever was skipped or damaged."""
    if b"-----BEGIN " in data:
        return _load_pem(data)
    if data[:1] == b"\x30":
        return _load_binary(data, password)
    loaded = Loaded()
    loaded.findings.append(_not_a_certificate(data))
    return loaded


def _not_a_certificate(data: bytes) -> Finding:
    text_like = all(32 <= b < 127 or b in b"\r\n\t" for b in data[:512])
    kind = "plain text" if text_like else "binary data"
    return finding(
        "not_a_certificate",
        f"This file holds {kind}, not a certificate.",
        "Choose the certificate file your certificate provider gave you "
        "(usually .cer, .crt or .pem, often named after your SEVIS user ID).",
    )


# --------------------------------------------------------------------------- PEM


def _load_pem(data: bytes) -> Loaded:
    loaded = Loaded(format="PEM")
    outside = bytearray()
    position = 0
    for number, match in enumerate(_PEM_BLOCK.finditer(data), start=1):
        outside += data[position : match.start()]
        position = match.end()
        _pem_block(loaded, number, match.group(1), match.group(2))
    tail = data[position:]
    for begin in _PEM_BEGIN.finditer(tail):
        label = begin.group(1)
        cut_certificate = label in _CERT_LABELS or label in _PKCS7_LABELS
        loaded.findings.append(
            finding(
                "damaged_certificate" if cut_certificate else "unterminated_block",
                f"A {label.decode('ascii')} block starts but never ends (the file is cut short).",
                "Get a complete copy of the file; the END line is missing.",
            )
        )
    outside += tail
    if outside.strip() and loaded.certificates:
        loaded.findings.append(_EXTRA_TEXT)
    if not loaded.certificates and not any(
        f.code == "damaged_certificate" for f in loaded.findings
    ):
        loaded.findings.append(
            finding(
                "not_a_certificate",
                "This PEM file holds no certificate block.",
                "Choose the file that holds your certificate: it has a "
                "'-----BEGIN CERTIFICATE-----' line.",
            )
        )
    return loaded


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=\s]")


def _decode_base64(body: bytes) -> bytes | None:
    """The block's bytes, or None when its base64 text is damaged."""
    if b":" in body:
        # RFC 1421 headers (Proc-Type:, DEK-Info:) precede the base64: drop those lines.
        body = b"\n".join(line for line in body.splitlines() if b":" not in line)
    if _NOT_BASE64.search(body):
        return None
    try:
        return binascii.a2b_base64(body)  # skips the line breaks; C speed
    except (binascii.Error, ValueError):
        return None


def _pem_block(loaded: Loaded, number: int, label: bytes, body: bytes) -> None:
    name = label.decode("ascii")
    if label.endswith(b"PRIVATE KEY"):
        loaded.has_private_key = True
        _pem_private_key(loaded, label, body)
        return
    if label in _CERT_LABELS or label in _PKCS7_LABELS:
        der = _decode_base64(body)
        if der is None:
            loaded.findings.append(
                finding(
                    "damaged_certificate",
                    f"Block {number} ({name}) is damaged: its base64 text is not valid.",
                    "Get a fresh copy of the certificate from your provider; do not edit it by "
                    "hand or open and save it in a word processor.",
                )
            )
            return
        if label in _PKCS7_LABELS:
            if _pkcs7(loaded, der, f"Block {number} ({name})"):
                loaded.format = "PKCS#7"
        else:
            _der_certificate(loaded, der, f"Block {number}")
        return
    what = _SKIPPED_NAMES.get(label, f"a {name} block")
    loaded.findings.append(
        finding(
            "skipped_block",
            f"Block {number} is {what}, not a certificate; it was skipped.",
            "Nothing to do, unless this file was meant to hold your certificate.",
        )
    )


def _pem_private_key(loaded: Loaded, label: bytes, body: bytes) -> None:
    if label != b"PRIVATE KEY" and label not in (b"RSA PRIVATE KEY", b"EC PRIVATE KEY"):
        return  # encrypted or foreign (OpenSSH) keys cannot be compared without more
    if b"ENCRYPTED" in body[:200]:
        return
    armoured = b"-----BEGIN " + label + b"-----" + body + b"-----END " + label + b"-----\n"
    try:
        key = serialization.load_pem_private_key(
            armoured, password=None, unsafe_skip_rsa_key_validation=True
        )
    except Exception:  # any key problem: it just cannot be compared
        return
    loaded.private_keys.append(key)


def _der_certificate(loaded: Loaded, der: bytes, where: str) -> bool:
    """Add one DER certificate; on failure say how it is damaged. True when added."""
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError as error:
        length = der_length(der)
        if length is not None and length < len(der):
            try:
                certificate = x509.load_der_x509_certificate(der[:length])
            except ValueError:
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
        reason = "it is cut short" if cut else f"it cannot be read ({_short(error)})"
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


def _short(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:160]


def _pkcs7(loaded: Loaded, der: bytes, where: str) -> bool:
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(der)
    except Exception as error:  # unsupported content types raise more than ValueError
        loaded.findings.append(
            finding(
                "skipped_block",
                f"{where} is a PKCS#7 structure without readable certificates "
                f"({_short(error)}); it was skipped.",
                "Ask your provider for the certificate as a .cer or .pem file.",
            )
        )
        return False
    for certificate in certificates:
        loaded.certificates.append(
            (certificate, certificate.public_bytes(serialization.Encoding.DER))
        )
    return True


# --------------------------------------------------------------------------- binary


def _load_binary(data: bytes, password: bytes | None) -> Loaded:
    length = der_length(data)
    if length is not None and length <= len(data):
        loaded = Loaded(format="DER")
        probe = Loaded()
        if _der_certificate(probe, data, "The certificate"):
            loaded.certificates = probe.certificates
            loaded.findings = probe.findings
            return loaded
    if _looks_like_pkcs12(data):
        return _load_pkcs12(data, password)
    loaded = Loaded(format="PKCS#7")
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(data)
    except Exception:  # not PKCS#7 either
        return _load_der_leftovers(data)
    for certificate in certificates:
        loaded.certificates.append(
            (certificate, certificate.public_bytes(serialization.Encoding.DER))
        )
    if not certificates:
        loaded.findings.append(
            finding(
                "not_a_certificate",
                "This PKCS#7 file holds no certificates.",
                "Ask your provider for the certificate as a .cer or .pem file.",
            )
        )
    return loaded


def _load_der_leftovers(data: bytes) -> Loaded:
    """A DER SEQUENCE that is neither certificate, PKCS#7 nor PKCS#12: say what it may be."""
    loaded = Loaded(format="DER")
    length = der_length(data)
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
        _der_certificate(probe, data, "The file")
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


def _looks_like_pkcs12(data: bytes) -> bool:
    head = data[:40]
    return _PKCS12_VERSION in head[:12] and any(oid in head for oid in _PKCS7_DATA_OIDS)


def _load_pkcs12(data: bytes, password: bytes | None) -> Loaded:
    loaded = Loaded(format="PKCS#12")
    attempts = [password] if password is not None else [None, b""]
    bundle = None
    for attempt in attempts:
        try:
            bundle = pkcs12.load_pkcs12(data, attempt)
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
                    "Give the password with --password-file FILE, or export the certificate "
                    "alone (.cer or .pem) from your browser or the batch client.",
                )
            )
        else:
            loaded.findings.append(
                finding(
                    "wrong_password",
                    "The password given does not open this PKCS#12 file (or the file is damaged).",
                    "Check the password file: it must hold only the password (one line).",
                )
            )
        return loaded
    if bundle.key is not None:
        loaded.has_private_key = True
        loaded.private_keys.append(bundle.key)
    if bundle.cert is not None:
        loaded.key_certificate = 0
        certificate = bundle.cert.certificate
        loaded.certificates.append(
            (certificate, certificate.public_bytes(serialization.Encoding.DER))
        )
    for extra in bundle.additional_certs:
        certificate = extra.certificate
        loaded.certificates.append(
            (certificate, certificate.public_bytes(serialization.Encoding.DER))
        )
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

"""Load every certificate from bytes, whatever the format; never trust a file name.

Formats, sniffed from the content: PEM (any number of blocks, text around them, CRLF),
here; DER certificate, PKCS#7 certs-only bundle (DER/BER) and PKCS#12 in `binary`. Nothing
raises on bad data: problems become findings.
"""

from __future__ import annotations

import binascii
import re
import warnings

from cryptography.hazmat.primitives import serialization

from sevis_tui.cert.binary import load_binary
from sevis_tui.cert.findings import finding
from sevis_tui.cert.loaded import Loaded, add_der_certificate, add_pkcs7, not_a_certificate
from sevis_tui.cert.model import Password

# cryptography warns about tolerated defects (negative serials, BER instead of DER, odd
# attribute lengths) while parsing for us, attributing each warning to our calling module.
# The report describes the certificate as it is, so these warnings would only be noise on
# the officer's terminal: ignore the ones raised from this package's calls (and only those:
# other code keeps its warnings). This also covers trust.py's parse of certifi's bundle.
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


_EXTRA_TEXT = finding(
    "extra_text",
    "The file has text around its PEM blocks; it was ignored.",
    "Nothing to do: only the blocks between BEGIN and END lines count.",
)


# The first element of a certificate, PKCS#7 or PKCS#12 SEQUENCE: a SEQUENCE, INTEGER or OID.
_FIRST_INNER_TAGS = (0x30, 0x02, 0x06)


def looks_like_certificate_file(head: bytes, size: int | None = None) -> bool:
    """The one content sniff (folder walks, the file browser): PEM armour, or a DER/BER SEQUENCE
    that could hold a certificate, a PKCS#7 bundle or a PKCS#12 file.

    `head` is the file's first bytes, or all of it; `size` is the whole file's size when `head`
    is only its start. A file cut short still counts (the report then says it is damaged); one
    much longer than its SEQUENCE does not (another format that happens to start with 0x30).
    """
    if b"-----BEGIN " in head:
        return True
    if len(head) < 4 or head[0] != 0x30:
        return False
    if head[1] == 0x80:  # BER's indefinite length (PKCS#7 from some tools)
        return head[2] in _FIRST_INNER_TAGS
    # Anything of a few hundred bytes has a long-form length: 0x81 to 0x83, then that many bytes.
    length_bytes = head[1] - 0x80
    if not 1 <= length_bytes <= 3 or len(head) < 3 + length_bytes:
        return False
    body = int.from_bytes(head[2 : 2 + length_bytes], "big")
    total = 2 + length_bytes + body
    whole = len(head) if size is None else size
    return body >= 64 and head[2 + length_bytes] in _FIRST_INNER_TAGS and whole <= total + 2


def load(data: bytes, *, password: Password | None = None) -> Loaded:
    """Every certificate in data, with findings for whatever was skipped or damaged."""
    if b"-----BEGIN " in data:
        return _load_pem(data)
    if data[:1] == b"\x30":
        return load_binary(data, password)
    loaded = Loaded()
    loaded.findings.append(not_a_certificate(data))
    return loaded


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
            if add_pkcs7(loaded, der, f"Block {number} ({name})"):
                loaded.format = "PKCS#7"
        else:
            add_der_certificate(loaded, der, f"Block {number}")
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

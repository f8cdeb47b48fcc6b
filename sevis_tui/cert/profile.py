"""Which rule a certificate breaks, read from the certificate itself.

cryptography's verifier (`x509.verification`) decides whether a chain is valid, but its messages
are for developers and their wording changes between releases (cryptography 51 writes
"authorityKeyIdentifier (2.5.29.35)" where 50 wrote "2.5.29.35"). So nothing here reads them:
when the verifier refuses, these checks read the certificate's own DER (version, serial, issuer,
how its dates are encoded, each extension's identifier and criticality) and its parsed
extensions against the rules the verifier applies (RFC 5280 and cryptography's web-PKI
profile, relaxed for personal certificates as chain.py says), and name each rule broken.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat import asn1
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from sevis_tui.cert.extensions import (
    WHOLE_BLOCK,
    RawExtension,
    extension_name,
    tbs_structure,
    unreadable_extensions,
)


@dataclass(frozen=True)
class Defect:
    """One broken rule, said of the certificate to register or of an issuer.

    leaf follows "The certificate" ("has no authority key identifier extension"); issuer is a
    whole phrase ("an issuing certificate is expired or not yet valid").
    """

    leaf: str
    issuer: str
    covered_by: frozenset[str] = frozenset()  # the judge's findings that already say it
    any_policy: bool = False  # refused even under the most permissive end-entity policy
    dates: bool = False  # not valid at the moment judged


_AKI = ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string
_AIA = ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string
_NC = ExtensionOID.NAME_CONSTRAINTS.dotted_string
_BC = ExtensionOID.BASIC_CONSTRAINTS.dotted_string
# The extensions the verifier's policies know; any other one marked critical is refused.
_KNOWN = frozenset(
    oid.dotted_string
    for oid in (
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.NAME_CONSTRAINTS,
        ExtensionOID.EXTENDED_KEY_USAGE,
    )
)
# CA/B Forum 7.1.3.2, as the verifier applies it: RSA PKCS#1 v1.5 and PSS, ECDSA, SHA-2.
_PERMITTED_SIGNATURES = frozenset(
    {
        "1.2.840.113549.1.1.11",
        "1.2.840.113549.1.1.12",
        "1.2.840.113549.1.1.13",
        "1.2.840.113549.1.1.10",
        "1.2.840.10045.4.3.2",
        "1.2.840.10045.4.3.3",
        "1.2.840.10045.4.3.4",
    }
)
_PERMITTED_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)
_SHA256 = hashes.SHA256()
_NC_IN_LEAF = "has a name constraints extension, which only a certificate authority may have"
_UNREADABLE = Defect(
    "cannot be read in full",
    "an issuing certificate cannot be read in full",
    frozenset({"unreadable_extension", "damaged_certificate"}),
    any_policy=True,
)


def basic_defects(certificate: x509.Certificate) -> list[Defect]:
    """The rules the verifier applies to every certificate, whatever the policy."""
    tbs = tbs_structure(certificate)
    if tbs is None:
        return [_UNREADABLE]
    found: list[Defect] = []

    def add(leaf: str, issuer: str, covered: frozenset[str] = frozenset()) -> None:
        found.append(Defect(leaf, "an issuing certificate " + issuer, covered, any_policy=True))

    if tbs.version != 2:  # v3 is encoded as 2
        add(
            "is not a version 3 certificate (the only version the rules allow)",
            "is not a version 3 certificate",
        )
    serial = bytes(tbs.serial_number.data)
    # 20 octets, or 21 when a leading zero keeps a 20-byte number positive (as the verifier).
    if not 1 <= len(serial) <= 21 or serial[0] & 0x80:
        add(
            "has a serial number the rules forbid (it must be positive and at most 20 bytes)",
            "has a serial number the rules forbid",
        )
    if not bytes(tbs.issuer.data):
        add("names no issuer", "names no issuer")
    if any(_generalized_before_2050(t) for t in (tbs.validity.not_before, tbs.validity.not_after)):
        add(
            "writes its validity dates in a form the rules forbid (before 2050 they must be "
            "written as UTCTime)",
            "writes its validity dates in a form the rules forbid",
        )
    for dotted, count in Counter(e.extn_id.dotted_string for e in tbs.extensions or ()).items():
        if count > 1:
            name = extension_name(dotted)
            add(f"has its {name} extension {count} times", f"has its {name} extension twice")
    unknown = ", ".join(extension_name(e) for e in _unknown_critical(tbs.extensions or ()))
    if unknown:
        what = f"has a critical extension that cannot be processed ({unknown})"
        add(what, what)
    return found


def _generalized_before_2050(time: asn1.TLV) -> bool:
    """RFC 5280 4.1.2.5: a date before 2050 written as GeneralizedTime (tag 0x18)."""
    year = bytes(time.data[:4])
    return bytes(time.tag_bytes) == b"\x18" and year.isdigit() and 1950 <= int(year) < 2050


def _unknown_critical(raw: Sequence[RawExtension]) -> list[str]:
    return [
        e.extn_id.dotted_string for e in raw if e.critical and e.extn_id.dotted_string not in _KNOWN
    ]


def _criticality(certificate: x509.Certificate) -> dict[str, bool]:
    tbs = tbs_structure(certificate)
    return {e.extn_id.dotted_string: e.critical for e in (tbs.extensions or ())} if tbs else {}


@functools.lru_cache(maxsize=64)  # accepted issuers recur on every refused file
def _values(certificate: x509.Certificate) -> dict[type[x509.ExtensionType], object] | None:
    """The parsed extension values by class, or None when cryptography cannot read them."""
    try:
        return {type(e.value): e.value for e in certificate.extensions}
    except Exception:  # any parse error: the extensions are unreadable (said elsewhere)
        return None


def _unreadable_phrase(names: tuple[str, ...]) -> str:
    if not names or names == (WHOLE_BLOCK,):
        return "its extensions cannot be read"
    return f"its {', '.join(names)} extension{'s' * (len(names) > 1)} cannot be read"


def end_entity_defects(
    certificate: x509.Certificate, unreadable: tuple[str, ...], moment: dt.datetime
) -> list[Defect]:
    """The rules for the certificate to register: every certificate's, then the end-entity
    profile of chain.py. unreadable: the extensions describe.py could not read."""
    found = basic_defects(certificate)
    if unreadable:
        found.append(
            Defect(
                "cannot be read in full: " + _unreadable_phrase(unreadable),
                "an issuing certificate cannot be read in full",
                frozenset({"unreadable_extension"}),
                any_policy=True,
            )
        )
    critical = _criticality(certificate)
    if _AKI not in critical:
        found.append(Defect("has no authority key identifier extension", ""))
    elif critical[_AKI]:
        found.append(Defect("marks its authority key identifier extension critical", ""))
    if critical.get(_AIA):
        found.append(Defect("marks its authority information access extension critical", ""))
    if _NC in critical:  # for a CA's certificate, "not a personal certificate" says it
        found.append(Defect(_NC_IN_LEAF, "", frozenset({"ca_certificate"})))
    found += _end_entity_values(certificate)
    if not _valid_at(certificate, moment):
        found.append(Defect("is not valid today", "", frozenset({"expired", "not_yet_valid"})))
    return found


def _end_entity_values(certificate: x509.Certificate) -> list[Defect]:
    values = _values(certificate) or {}
    found: list[Defect] = []
    constraints = values.get(x509.BasicConstraints)
    if isinstance(constraints, x509.BasicConstraints) and constraints.ca:
        found.append(
            Defect("is a certificate authority's certificate", "", frozenset({"ca_certificate"}))
        )
    usage = values.get(x509.KeyUsage)
    if isinstance(usage, x509.KeyUsage) and usage.key_cert_sign:
        found.append(
            Defect(
                "allows its key to sign certificates (keyCertSign), which only a certificate "
                "authority's key may do",
                "",
                frozenset({"ca_certificate"}),
            )
        )
    usages = values.get(x509.ExtendedKeyUsage)
    if isinstance(usages, x509.ExtendedKeyUsage) and ExtendedKeyUsageOID.CLIENT_AUTH not in usages:
        found.append(
            Defect("is not allowed for client authentication", "", frozenset({"no_client_auth"}))
        )
    return found


def _valid_at(certificate: x509.Certificate, moment: dt.datetime) -> bool:
    try:
        return certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc
    except Exception:  # unreadable dates: not valid (describe.py says which field)
        return False


def issuer_defects(
    child: x509.Certificate, issuer: x509.Certificate, moment: dt.datetime
) -> list[Defect]:
    """Why `issuer` cannot have issued `child` under the CA profile, as of `moment`."""
    found = [d for d in basic_defects(issuer) if d.issuer]
    if not _valid_at(issuer, moment):
        found.append(Defect("", "an issuing certificate is expired or not yet valid", dates=True))
    values = _values(issuer)
    if values is None:  # the rules on values cannot be checked: that is what is wrong
        unreadable = _unreadable_phrase(unreadable_extensions(issuer))
        phrase = f"an issuing certificate cannot be read in full ({unreadable})"
        found.append(Defect("", phrase))
    else:
        found += _issuer_values(issuer, values)
    found += _issuer_key(issuer)
    found += _signature(child, issuer)
    constraints = (values or {}).get(x509.NameConstraints)
    if isinstance(constraints, x509.NameConstraints):
        if not constraints.permitted_subtrees and not constraints.excluded_subtrees:
            found.append(Defect("", "an issuing certificate has empty name constraints"))
        elif not found:  # nothing else is wrong with this issuer: its constraints are
            found.append(Defect("", "an issuer's name constraints forbid this certificate"))
    return found


def _issuer_values(
    issuer: x509.Certificate, values: dict[type[x509.ExtensionType], object]
) -> list[Defect]:
    """The CA profile's rules on an issuer's extensions (RFC 5280 4.2.1.3, 4.2.1.9)."""
    found: list[Defect] = []
    critical = _criticality(issuer)
    constraints = values.get(x509.BasicConstraints)
    if not isinstance(constraints, x509.BasicConstraints) or not constraints.ca:
        found.append(Defect("", "an issuing certificate is not allowed to issue certificates"))
    elif not critical.get(_BC):
        found.append(
            Defect("", "an issuing certificate does not mark its basic constraints critical")
        )
    usage = values.get(x509.KeyUsage)
    if not isinstance(usage, x509.KeyUsage) or not usage.key_cert_sign:
        found.append(
            Defect("", "an issuing certificate's key usage does not allow signing certificates")
        )
    for dotted in (_AKI, _AIA):
        if critical.get(dotted):
            found.append(
                Defect("", f"an issuing certificate marks its {extension_name(dotted)} critical")
            )
    return found


def _issuer_key(issuer: x509.Certificate) -> list[Defect]:
    try:
        key = issuer.public_key()
    except Exception:  # an unknown or malformed key
        return [Defect("", "an issuing certificate has a kind of key that is not allowed")]
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            return [Defect("", "an issuing certificate's key is too weak")]
        return []
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, _PERMITTED_CURVES):
        return []
    return [Defect("", "an issuing certificate has a kind of key that is not allowed")]


def _signature(child: x509.Certificate, issuer: x509.Certificate) -> list[Defect]:
    found: list[Defect] = []
    try:
        algorithm = child.signature_algorithm_oid.dotted_string
    except Exception:  # an unreadable algorithm identifier
        algorithm = ""
    if algorithm not in _PERMITTED_SIGNATURES:
        found.append(
            Defect(
                "is signed with an algorithm that is not allowed",
                "a certificate in the chain is signed with an algorithm that is not allowed",
                frozenset({"weak_signature"}),
            )
        )
    try:
        child.verify_directly_issued_by(issuer)
    except Exception:  # a wrong signature, or a key that cannot check it
        found.append(Defect("", "an issuer's signature does not match the certificate"))
    return found


def path_defects(
    leaf: x509.Certificate, pool: Sequence[x509.Certificate], moment: dt.datetime
) -> list[Defect]:
    """What stops each issuer candidate (in `pool`: the file's and the accepted ones) from
    completing the path above `leaf`, walking up at most as deep as the verifier does."""
    found: list[Defect] = []
    level = [leaf]
    seen: set[bytes] = {leaf.fingerprint(_SHA256)}
    for _depth in range(8):
        above: list[x509.Certificate] = []
        for child in level:
            if child is not leaf and _names_issuer(child, child):
                continue  # a root: the path ends here (its own signature is not checked)
            for issuer in pool:
                match = _names_issuer(child, issuer)
                if match is None or id(issuer) == id(child):
                    continue
                if not match:
                    found.append(Defect("", _NAME_ENCODING))
                    continue
                found += issuer_defects(child, issuer, moment)
                key = issuer.fingerprint(_SHA256)
                if key not in seen:
                    seen.add(key)
                    above.append(issuer)
        if not above:
            break
        level = above
    return list(dict.fromkeys(found))


_NAME_ENCODING = (
    "the issuer name the certificate gives is not written exactly as in the issuing "
    "certificate (names must match byte for byte)"
)


def _names_issuer(child: x509.Certificate, issuer: x509.Certificate) -> bool | None:
    """True: `issuer`'s subject is `child`'s issuer name, byte for byte (as the verifier
    compares them); False: the same name written otherwise; None: another name."""
    try:
        if issuer.subject.public_bytes() == child.issuer.public_bytes():
            return True
        return issuer.subject.rfc4514_string() == child.issuer.rfc4514_string() or None
    except Exception:  # an unreadable name matches nothing
        return None

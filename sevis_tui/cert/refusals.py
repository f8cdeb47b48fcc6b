"""What the verifier's refusals mean, in words for an officer.

`cryptography.x509.verification` refuses with an English message meant for developers
("validation failed: invalid extension: 2.5.29.35: Certificate is missing required extension
(encountered processing <Certificate(...)>)"). `translate` says which certificate it is about
(the one to register, or an issuer), what is wrong in plain words, and which of the judge's own
findings already says the same (so the report does not say it twice). The message texts are
cryptography 50's (src/rust/cryptography-x509-verification); an unknown one still becomes a
finding, with the verifier's words as detail.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from sevis_tui.cert.extensions import extension_name
from sevis_tui.cert.findings import Finding, finding

_PROCESSING = " (encountered processing "
_EXTENSION = "invalid extension: "


@dataclass(frozen=True)
class Refusal:
    about_leaf: bool  # True: the certificate to register breaks the profile itself
    plain: str  # for the leaf: "has no ..." (follows "The certificate"); else a reason
    detail: str  # the verifier's own words, for whoever supports the officer
    covered_by: frozenset[str] = frozenset()  # leaf findings that already say this


# (needle, what it means for the certificate to register, what it means for an issuer,
#  the judge's findings that already say it about the certificate to register)
_MEANINGS: tuple[tuple[str, str, str, frozenset[str]], ...] = (
    (
        "basicConstraints.cA must not be asserted",
        "is a certificate authority's certificate",
        "an issuing certificate is not allowed to issue certificates",
        frozenset({"ca_certificate"}),
    ),
    (
        "must be asserted in a CA certificate",
        "is not allowed to issue certificates",
        "an issuing certificate is not allowed to issue certificates",
        frozenset(),
    ),
    (
        "keyCertSign",
        "allows its key to sign certificates (keyCertSign), which only a certificate "
        "authority's key may do",
        "an issuing certificate's key usage does not allow signing certificates",
        frozenset(),
    ),
    (
        "subjectAltName MUST be critical",
        "has an empty subject and an alternative name that is not marked critical",
        "an issuing certificate's alternative name is marked wrongly",
        frozenset({"nonconforming_certificate"}),
    ),
    (
        "subjectAltName MUST NOT be critical",
        "marks its alternative name critical although it has a subject name",
        "an issuing certificate's alternative name is marked wrongly",
        frozenset({"nonconforming_certificate"}),
    ),
    (
        "required EKU not found",
        "is not allowed for client authentication",
        "an issuing certificate is not allowed for client authentication",
        frozenset({"no_client_auth"}),
    ),
    (
        "not valid at validation time",
        "is not valid today",
        "an issuing certificate is expired or not yet valid",
        frozenset({"expired", "not_yet_valid"}),
    ),
    (
        "signature does not match",
        "does not carry a valid signature",
        "an issuer's signature does not match the certificate",
        frozenset(),
    ),
    (
        "key too weak",
        "has a key that is too weak",
        "an issuing certificate's key is too weak",
        frozenset({"weak_key"}),
    ),
    (
        "RSA key is too weak",
        "has a key that is too weak",
        "an issuing certificate's key is too weak",
        frozenset({"weak_key"}),
    ),
    (
        "Forbidden public key algorithm",
        "has a kind of key that is not allowed",
        "an issuing certificate has a kind of key that is not allowed",
        frozenset({"weak_key"}),
    ),
    (
        "digest algorithm too weak",
        "is signed with an algorithm that is no longer safe",
        "an issuing certificate is signed with an algorithm that is no longer safe",
        frozenset({"weak_signature"}),
    ),
    (
        "Forbidden signature algorithm",
        "is signed with an algorithm that is not allowed",
        "a certificate in the chain is signed with an algorithm that is not allowed",
        frozenset({"weak_signature"}),
    ),
    (
        "mismatch between signatureAlgorithm and SPKI",
        "gives a signature algorithm that does not fit its issuer's key",
        "a signature algorithm does not fit the issuing certificate's key",
        frozenset(),
    ),
    (
        "authorityKeyIdentifier must",
        "has an authority key identifier in a form the rules forbid",
        "an issuing certificate has an authority key identifier in a form the rules forbid",
        frozenset(),
    ),
    (
        "Exceeded maximum",
        "has a chain too complex to check",
        "the chain is too complex to check",
        frozenset(),
    ),
    (
        "nameConstraints must have",
        "has empty name constraints",
        "an issuing certificate has empty name constraints",
        frozenset(),
    ),
    (
        "name constraint",
        "is outside what its issuer may certify (name constraints)",
        "an issuer's name constraints forbid this certificate",
        frozenset(),
    ),
    (
        "serial",
        "has a serial number the rules forbid (it must be positive and at most 20 bytes)",
        "an issuing certificate has a serial number the rules forbid",
        frozenset(),
    ),
    (
        "must be UtcTime",
        "writes its validity dates in a form the rules forbid",
        "an issuing certificate writes its validity dates in a form the rules forbid",
        frozenset(),
    ),
    (
        "non-empty Issuer",
        "names no issuer",
        "an issuing certificate names no issuer",
        frozenset(),
    ),
    (
        "ASN.1 parsing error",
        "cannot be read in full",
        "an issuing certificate cannot be read in full",
        frozenset({"unreadable_extension", "damaged_certificate"}),
    ),
    (
        "max depth",
        "has a chain of issuers that is too long or loops",
        "the chain of issuers is too long or loops",
        frozenset(),
    ),
    (
        "exhausted",
        "has no issuer that could be found",
        "no accepted issuer was found for the certificate",
        frozenset(),
    ),
)

# Extension problems ("invalid extension: OID: reason"), by reason.
_EXTENSION_MEANINGS: tuple[tuple[str, str, str], ...] = (
    ("missing required extension", "has no {name} extension", "lacks its {name} extension"),
    (
        "prohibited extension",
        "has a {name} extension, which only a certificate authority may have",
        "has a {name} extension it must not have",
    ),
    (
        "incorrect criticality",
        "marks its {name} extension critical",
        "marks its {name} extension with the wrong criticality",
    ),
    (
        "unaccounted-for critical",
        "has a critical extension that cannot be processed ({name})",
        "has a critical extension that cannot be processed ({name})",
    ),
    ("duplicate extension", "has its {name} extension twice", "has its {name} extension twice"),
)
_LEAF_EXTENSION_COVERED = {"duplicate extension": frozenset({"unreadable_extension"})}


def translate(message: str, leaf: x509.Certificate, leaf_unreadable: bool = False) -> Refusal:
    """The meaning of one VerificationError message for the certificate `leaf`.

    leaf_unreadable: the leaf's own extensions cannot be read (describe.py said so).
    """
    # Plain string work, not regular expressions: this runs for every refused file, and a
    # message that names no certificate means the same every time ("no issuer found" is
    # the usual one), so its meaning is remembered.
    message = message.strip()
    cut = message.rfind(_PROCESSING)
    if cut < 0:
        known = _SAID.get((message, leaf_unreadable))
        if known is None:
            known = _translate(message, None, leaf, leaf_unreadable)
            if len(_SAID) < 256:
                _SAID[(message, leaf_unreadable)] = known
        return known
    return _translate(message[:cut], message[cut + len(_PROCESSING) : -1], leaf, leaf_unreadable)


_SAID: dict[tuple[str, bool], Refusal] = {}


def _translate(
    message: str, processing: str | None, leaf: x509.Certificate, leaf_unreadable: bool
) -> Refusal:
    detail = message.removeprefix("validation failed: ")
    about_leaf = processing is not None and processing == _repr(leaf)
    if processing is None and detail.startswith("ASN.1 parsing error") and leaf_unreadable:
        # The verifier reads the leaf's extensions before anything else without saying whose
        # they were; an issuer's unreadable ones come as "candidates exhausted: ...".
        about_leaf = True
    start = detail.find(_EXTENSION)
    if start >= 0:
        dotted, _, reason = detail[start + len(_EXTENSION) :].partition(": ")
        name = extension_name(dotted)
        for needle, leaf_text, issuer_text in _EXTENSION_MEANINGS:
            if needle in reason:
                if about_leaf:
                    covered = _LEAF_EXTENSION_COVERED.get(needle, frozenset())
                    return Refusal(True, leaf_text.format(name=name), detail, covered)
                return Refusal(
                    False, "an issuing certificate " + issuer_text.format(name=name), detail
                )
    for needle, leaf_text, issuer_text, covered in _MEANINGS:
        if needle in detail:
            if about_leaf:
                return Refusal(True, leaf_text, detail, covered)
            return Refusal(False, issuer_text, detail)
    if about_leaf:
        return Refusal(True, "breaks the rules for certificates", detail)
    return Refusal(False, "the chain could not be validated", detail)


def _repr(certificate: x509.Certificate) -> str:
    try:
        return repr(certificate)
    except Exception:  # an unreadable subject: it cannot be told apart by its description
        return "\0"


def nonconforming_finding(plain: str, detail: str = "") -> Finding:
    """The finding for a certificate that breaks the profile: `plain` follows "The certificate"."""
    said = f" (detail: {detail})" if detail else ""
    return finding(
        "nonconforming_certificate",
        f"The certificate {plain}. The standard rules for certificates (RFC 5280) forbid this, "
        f"so SEVIS's check refuses it{said}.",
        "Ask your provider to issue a new certificate; this one cannot be registered.",
    )

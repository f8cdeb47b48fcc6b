"""Judge a file's certificates against the SEVIS batch rules.

Picks the certificate that would be registered, checks its own rules (validity, key, signature,
extended key usage, CA flag, self-signed), then validates its path to an accepted issuer
(`sevis_tui.cert.chain`). Finding codes: see `sevis_tui.cert.findings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID

from sevis_tui.cert.chain import check_chain, new_certificate_remedy
from sevis_tui.cert.describe import UNREADABLE, Described
from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.model import CertificateInfo, Policy
from sevis_tui.cert.refusals import nonconforming_finding
from sevis_tui.text import formats

WEAK_SIGNATURE_OIDS = {
    "1.2.840.113549.1.1.2",  # MD2 with RSA
    "1.2.840.113549.1.1.3",  # MD4 with RSA
    "1.2.840.113549.1.1.4",  # MD5 with RSA
    "1.3.14.3.2.3",  # MD5 with RSA (OIW)
    "1.2.840.113549.1.1.5",  # SHA-1 with RSA
    "1.3.14.3.2.29",  # SHA-1 with RSA (OIW)
    "1.2.840.10045.4.1",  # ECDSA with SHA-1
    "1.2.840.10040.4.3",  # DSA with SHA-1
    "1.3.14.3.2.27",  # DSA with SHA-1 (OIW)
}
_CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string
_ANY_USAGE = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string


def choose_subject(described: Sequence[Described], key_certificate: int | None) -> int | None:
    """Index of the certificate that would be registered, or None for an empty file.

    The certificate of a PKCS#12 key; else the first end-entity (personal) certificate; else,
    for a file of CA certificates only, the lowest one (it issued no other in the file).
    """
    if not described:
        return None
    if key_certificate is not None:
        return key_certificate
    for index, item in enumerate(described):
        if item.info.role == "end-entity":
            return index
    # By RFC 4514 text: equal names give equal texts (unreadable ones are left out).
    issuer_names = {
        item.info.issuer
        for item in described
        if not item.info.self_signed and item.info.issuer != UNREADABLE
    }
    for index, item in enumerate(described):
        if item.info.subject != UNREADABLE and item.info.subject not in issuer_names:
            return index
    return 0  # unreadable names: fall back to the first certificate


def judge(
    described: Sequence[Described],
    subject_index: int,
    policy: Policy,
    now: dt.datetime,
    keys: Sequence[PrivateKeyTypes] = (),
) -> list[Finding]:
    subject = described[subject_index]
    findings = _several(described, subject_index)
    findings += leaf_rules(subject, policy, now)
    if not subject.info.self_signed:
        others = [d for i, d in enumerate(described) if i != subject_index]
        said = frozenset(f.code for f in (*findings, *subject.findings))
        findings += check_chain(subject, others, policy, now, said)
    if keys and not any(key_matches(key, subject.facts.certificate) for key in keys):
        findings.append(
            finding(
                "key_mismatch",
                "The private key does not belong to the certificate "
                f"«{subject.info.display_name}».",
                "Use the key and certificate from the same request; if the certificate was "
                "renewed, use the key that goes with the new one.",
            )
        )
    return findings


def _several(described: Sequence[Described], subject_index: int) -> list[Finding]:
    personal = [d for d in described if d.info.role == "end-entity"]
    if len(personal) < 2:
        return []
    names = ", ".join(f"«{d.info.display_name}»" for d in personal)
    chosen = described[subject_index].info
    return [
        finding(
            "several_certificates",
            f"This file holds {len(personal)} personal certificates ({names}). Only one would "
            f"be registered: «{chosen.display_name}» (serial {chosen.serial_hex}).",
            "Put only your own certificate in the file you upload (one certificate per file).",
        )
    ]


def leaf_rules(subject: Described, policy: Policy, now: dt.datetime) -> list[Finding]:
    """The certificate's own rules, each with its finding (see chain.py for the verifier's).

    Time is compared to the second, as the verifier does: a certificate is valid from its
    notBefore second through its notAfter second, both included (RFC 5280 4.1.2.5).
    """
    info, facts = subject.info, subject.facts
    findings: list[Finding] = []
    if facts.valid_dates:
        findings += _date_rules(info, policy, now.replace(microsecond=0))
    findings += _personal_rules(info, policy)
    findings += _key_and_signature(subject)
    # An unreadable extension has its own error finding (describe.py): not "absent".
    if facts.eku_oids is not None and _CLIENT_AUTH not in facts.eku_oids:
        findings.append(_no_client_auth(info, facts.eku_oids))
    if not facts.unreadable_extensions:
        findings += _alternative_name_rules(subject)
    return findings


def _date_rules(info: CertificateInfo, policy: Policy, now: dt.datetime) -> list[Finding]:
    """Expired, not yet valid, or expiring within the warning days (`now` to the second)."""
    if now > info.not_after:
        ago = (now - info.not_after).days
        return [
            finding(
                "expired",
                f"The certificate expired on {formats.day(info.not_after)} "
                + ("(today)." if ago == 0 else f"({ago} day{'s' * (ago != 1)} ago)."),
                "Renew it with your provider, then register the new certificate.",
            )
        ]
    if now < info.not_before:
        return [
            finding(
                "not_yet_valid",
                f"The certificate is not valid until {formats.day(info.not_before)}.",
                "Wait until that date, or check that this computer's clock is right.",
            )
        ]
    if info.days_left < policy.expiry_warning_days:
        return [
            finding(
                "expires_soon",
                f"The certificate expires in {info.days_left} days, on "
                f"{formats.day(info.not_after)}.",
                "Renew it soon; a renewed certificate must be registered again before its "
                "first batch.",
            )
        ]
    return []


def _personal_rules(info: CertificateInfo, policy: Policy) -> list[Finding]:
    """A personal certificate: neither a certificate authority's nor signed by itself."""
    if info.is_ca:
        return [
            finding(
                "ca_certificate",
                f"«{info.display_name}» is a certificate authority's certificate "
                f"({info.role}), not a personal certificate.",
                "Choose the file with your own certificate, usually named after your SEVIS "
                "user ID (for example jsmith6544.cer).",
            )
        ]
    if info.self_signed:
        return [
            finding(
                "self_signed",
                "The certificate is signed by itself, not by a certificate authority; SEVIS does "
                "not accept self-made certificates.",
                new_certificate_remedy(policy),
            )
        ]
    return []


def _no_client_auth(info: CertificateInfo, eku_oids: Collection[str]) -> Finding:
    allowed = ", ".join(info.extended_key_usage) or "none"
    # As for cryptography's verifier and OpenSSL's TLS-client purpose check, "any purpose"
    # alone is not enough: a TLS server looks for client authentication by name.
    alone = " «Any Purpose» alone is not enough." if _ANY_USAGE in eku_oids else ""
    return finding(
        "no_client_auth",
        f"The certificate is not allowed for client authentication (it allows: {allowed}); "
        f"the batch interface needs it to log in.{alone}",
        "Ask your provider for a personal certificate that includes client "
        "authentication (often sold as an S/MIME or personal authentication certificate).",
    )


def _alternative_name_rules(subject: Described) -> list[Finding]:
    """RFC 5280 4.2.1.6 on the subject alternative name, which the verifier leaves to us."""
    facts = subject.facts
    if facts.subject_empty and facts.san_critical is None:
        problem = "has neither a subject name nor an alternative name: it names no one"
    elif facts.subject_empty and not facts.san_critical:
        problem = (
            "has an empty subject name, and its alternative name is not marked critical (it "
            "must be when the subject is empty)"
        )
    elif not facts.subject_empty and facts.san_critical:
        problem = "marks its alternative name critical although it has a subject name"
    else:
        return []
    return [nonconforming_finding(problem)]


def _key_and_signature(subject: Described) -> list[Finding]:
    facts = subject.facts
    findings: list[Finding] = []
    weak = (
        (facts.key_kind == "RSA" and facts.key_bits < 2048)
        or (facts.key_kind.startswith("EC ") and facts.key_bits < 256)
        or facts.key_kind == "DSA"
    )
    if weak:
        findings.append(
            finding(
                "weak_key",
                f"The certificate's key ({subject.info.key_description}) is too weak; SEVIS "
                "needs RSA of at least 2048 bits or an elliptic-curve key of at least 256 bits.",
                "Request a new certificate with an RSA 2048-bit (or larger) key.",
            )
        )
    if facts.signature_oid in WEAK_SIGNATURE_OIDS or facts.signature_hash in ("md5", "sha1"):
        findings.append(
            finding(
                "weak_signature",
                f"The certificate is signed with {subject.info.signature_algorithm}, which is "
                "no longer safe; SHA-256 or better is needed.",
                "Request a new certificate; every current provider signs with SHA-256.",
            )
        )
    return findings


def key_matches(key: PrivateKeyTypes, certificate: x509.Certificate) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    try:
        mine = key.public_key().public_bytes(serialization.Encoding.DER, spki)
        theirs = certificate.public_key().public_bytes(serialization.Encoding.DER, spki)
    except Exception:  # an unsupported key type cannot be compared: treat as no match
        return False
    return mine == theirs

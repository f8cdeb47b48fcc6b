"""Judge a file's certificates against the SEVIS batch rules.

Picks the certificate that would be registered, checks its own rules (validity, key, signature,
extended key usage, CA flag, self-signed), then validates its path to an accepted issuer with
`cryptography.x509.verification.ClientVerifier`. The verifier's end-entity extension policy is
relaxed (`permit_all`) because the leaf rules are checked here, each with its own finding; the
issuers still get the full web-PKI CA checks. When no accepted issuer and no certificate in the
file bears the leaf's issuer name, the verifier could only fail ("candidates exhausted"), so it
is not called (tests/cert/test_chain_shortcut.py checks both ways agree). Finding codes: see
`sevis_tui.cert.findings`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    VerificationError,
)

from sevis_tui.cert.describe import UNREADABLE, Described
from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.model import Policy
from sevis_tui.cert.trust import store_for, subjects_of

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
_CLIENT_USAGES = {
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string,
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string,
}
_VENDORS = "Sectigo (Comodo, USERTrust), InCommon, Entrust or IdenTrust"
_NEW_CERTIFICATE = (
    f"Get a personal client-authentication certificate from an accepted provider ({_VENDORS})."
)


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
        findings += check_chain(subject, others, policy, now)
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
    """The rules the verifier applies only to issuers, checked on the registered certificate."""
    info, facts = subject.info, subject.facts
    findings: list[Finding] = []
    if facts.valid_dates:
        day = "%Y-%m-%d"
        if info.not_after < now:
            findings.append(
                finding(
                    "expired",
                    f"The certificate expired on {info.not_after.strftime(day)} "
                    f"({(now - info.not_after).days} days ago).",
                    "Renew it with your provider, then register the new certificate.",
                )
            )
        elif info.not_before > now:
            findings.append(
                finding(
                    "not_yet_valid",
                    f"The certificate is not valid until {info.not_before.strftime(day)}.",
                    "Wait until that date, or check that this computer's clock is right.",
                )
            )
        elif info.days_left < policy.expiry_warning_days:
            findings.append(
                finding(
                    "expires_soon",
                    f"The certificate expires in {info.days_left} days, on "
                    f"{info.not_after.strftime(day)}.",
                    "Renew it soon; a renewed certificate must be registered again before its "
                    "first batch.",
                )
            )
    if info.is_ca:
        findings.append(
            finding(
                "ca_certificate",
                f"«{info.display_name}» is a certificate authority's certificate "
                f"({info.role}), not a personal certificate.",
                "Choose the file with your own certificate, usually named after your SEVIS "
                "user ID (for example jsmith6544.cer).",
            )
        )
    elif info.self_signed:
        findings.append(
            finding(
                "self_signed",
                "The certificate is signed by itself, not by a certificate authority; SEVIS does "
                "not accept self-made certificates.",
                _NEW_CERTIFICATE,
            )
        )
    findings += _key_and_signature(subject)
    if facts.eku_oids is not None and not _CLIENT_USAGES.intersection(facts.eku_oids):
        allowed = ", ".join(info.extended_key_usage) or "none"
        findings.append(
            finding(
                "no_client_auth",
                f"The certificate is not allowed for client authentication (it allows: {allowed}); "
                "the batch interface needs it to log in.",
                "Ask your provider for a personal certificate that includes client "
                "authentication (often sold as an S/MIME or personal authentication certificate).",
            )
        )
    return findings


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


# --------------------------------------------------------------------------- path validation


@functools.cache
def _extension_policies() -> tuple[ExtensionPolicy, ExtensionPolicy]:
    return ExtensionPolicy.webpki_defaults_ca(), ExtensionPolicy.permit_all()


def check_chain(
    subject: Described, others: Sequence[Described], policy: Policy, now: dt.datetime
) -> list[Finding]:
    store = store_for(policy.accepted_issuers)
    if store is None:
        return [
            finding(
                "untrusted_issuer",
                "No accepted issuers are configured, so no certificate can be accepted.",
                "Set certificates.accepted_issuers in your config to a PEM bundle of the "
                "issuers SEVIS accepts, or leave it empty for the shipped list.",
            )
        ]
    leaf = subject.facts.certificate
    info = subject.info
    if not _issuer_candidates(subject, others, policy):
        # No accepted issuer and no certificate in the file has the leaf's issuer name, so
        # the verifier could only say "candidates exhausted" (it matches issuers by name).
        return [_explain_failure(subject, others, policy, "no issuer was found")]
    # Judge the chain as of a moment the leaf is valid: its own dates have their own finding.
    moment = min(max(now, info.not_before), info.not_after) if subject.facts.valid_dates else now
    ca_policy, ee_policy = _extension_policies()
    verifier = (
        PolicyBuilder()
        .store(store)
        .time(moment)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, [d.facts.certificate for d in others])
    except VerificationError as error:
        if moment != now and "not valid at validation time" in str(error):
            # The leaf is expired (or not yet valid) and so is an issuer at that moment:
            # the leaf's own finding already says "renew"; a chain finding would only confuse.
            return []
        return [_explain_failure(subject, others, policy, _plain_reason(str(error)))]
    except Exception as error:  # a malformed certificate can upset the verifier itself
        return [_explain_failure(subject, others, policy, f"the check failed ({error})")]
    root = verified.chain[-1]
    return [
        finding(
            "issuer_accepted",
            f"Issued under «{_display(root)}», an accepted issuer.",
            "",
        )
    ]


def _issuer_candidates(subject: Described, others: Sequence[Described], policy: Policy) -> bool:
    """False only when no certificate could have issued the leaf; True when unsure.

    Names are compared as RFC 4514 text: different texts mean different names, and the
    verifier only takes an issuer whose subject is exactly the leaf's issuer name.
    """
    issuer = subject.info.issuer
    if issuer == UNREADABLE or issuer in subjects_of(policy.accepted_issuers):
        return True
    if any(other.info.subject in (issuer, UNREADABLE) for other in others):
        return True
    # The verifier trusts a leaf that is itself an accepted issuer, whoever issued it.
    return subject.facts.certificate in policy.accepted_issuers


@functools.lru_cache(maxsize=64)  # accepted roots recur on every file
def _display(certificate: x509.Certificate) -> str:
    try:
        names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        organizations = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
        name = str(names[0].value) if names else certificate.subject.rfc4514_string()
        organization = str(organizations[0].value) if organizations else ""
        if organization and organization not in name:
            name += f", {organization}"
        return name
    except ValueError:
        return "(unreadable name)"


def _explain_failure(
    subject: Described, others: Sequence[Described], policy: Policy, reason: str
) -> Finding:
    """Walk the file's own chain by name to say why no accepted issuer was reached."""
    accepted = subjects_of(policy.accepted_issuers)
    by_subject: dict[str, Described] = {}
    for other in others:
        if other.info.subject != UNREADABLE:
            by_subject.setdefault(other.info.subject, other)
    current = subject
    seen: set[str] = set()
    while True:
        issuer_name = current.info.issuer
        if issuer_name == UNREADABLE:
            break
        if issuer_name in accepted:
            return finding(
                "chain_invalid",
                f"The certificate names an accepted issuer, but the chain does not check out: "
                f"{reason}.",
                "The file or the certificate may be damaged or forged; get a fresh copy from "
                "your provider. If it persists, contact your provider.",
            )
        parent = by_subject.get(issuer_name)
        if parent is None or issuer_name in seen:
            break
        seen.add(issuer_name)
        if parent.info.self_signed:
            return finding(
                "untrusted_issuer",
                f"The certificate chains up to «{_display(parent.facts.certificate)}», which is "
                "not an accepted issuer.",
                _NEW_CERTIFICATE,
            )
        current = parent
    return _missing(subject, current)


def _missing(subject: Described, top: Described) -> Finding:
    """No issuer for `top` (the leaf, or the last certificate of the file's chain)."""
    issuer_text = top.info.issuer_common_name or top.info.issuer
    if top is subject:
        said = f"Issued by «{issuer_text}», which is"
    else:
        said = (
            f"The file's chain ends at «{top.info.display_name}», issued by «{issuer_text}», "
            "which is"
        )
    urls = top.facts.ca_issuer_urls
    where = f" (its issuer publishes it at {urls[0]})" if urls else ""
    return finding(
        "missing_intermediate",
        f"{said} neither in this file nor an accepted issuer. Offline, no chain to an accepted "
        "issuer can be built: either an intermediate certificate is missing from the file, or "
        "the issuer is not one SEVIS accepts.",
        f"If the issuer belongs to {_VENDORS}, add its intermediate certificate to the file"
        f"{where} or ask for the full chain (.p7b). Otherwise get a certificate from one of them.",
    )


_PROCESSING = re.compile(r"\s*\(encountered processing .*\)\s*$", re.DOTALL)
_REASONS = (
    ("signature does not match", "an issuer's signature does not match the certificate"),
    ("not valid at validation time", "an issuing certificate is expired or not yet valid"),
    ("basicConstraints", "an issuing certificate is not allowed to issue certificates"),
    ("max depth", "the chain of issuers is too long or loops"),
    ("EKU", "an issuing certificate is not allowed for client authentication"),
    ("key", "an issuing certificate uses a key that is too weak or not allowed"),
    ("signature", "an issuing certificate uses a signature algorithm that is not allowed"),
    ("name constraint", "an issuer's name constraints forbid this certificate"),
    ("exhausted", "no accepted issuer was found for the certificate"),
)


def _plain_reason(message: str) -> str:
    detail = _PROCESSING.sub("", message).removeprefix("validation failed: ")
    for needle, plain in _REASONS:
        if needle in detail:
            return f"{plain} (detail: {detail})"
    return f"the chain could not be validated (detail: {detail})"

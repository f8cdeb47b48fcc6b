"""Path validation: does the certificate chain up to an accepted issuer, and if not, why not.

`cryptography.x509.verification.ClientVerifier` validates the path. The verifier's end-entity
extension policy is relaxed (`permit_all`) because the leaf rules are checked by the judge, each
with its own finding; the issuers still get the full web-PKI CA checks. When no accepted issuer
and no certificate in the file bears the leaf's issuer name, the verifier could only fail
("candidates exhausted"), so it is not called (tests/cert/test_chain_shortcut.py checks both
ways agree).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence

from cryptography import x509
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    VerificationError,
)

from sevis_tui.cert.describe import UNREADABLE, Described
from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.model import Policy
from sevis_tui.cert.trust import store_for, subjects_of

_VENDORS = "Sectigo (Comodo, USERTrust), InCommon, Entrust or IdenTrust"
NEW_CERTIFICATE = (
    f"Get a personal client-authentication certificate from an accepted provider ({_VENDORS})."
)


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
                NEW_CERTIFICATE,
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

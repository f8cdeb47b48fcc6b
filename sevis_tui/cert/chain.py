"""Path validation: does the certificate chain up to an accepted issuer, and if not, why not.

`cryptography.x509.verification.ClientVerifier` validates the path, with cryptography's web-PKI
extension policies: the CA defaults for the issuers and, for the certificate to register, the
end-entity defaults relaxed only where a personal client certificate differs from a TLS server
certificate (see `_end_entity_policy`). The verifier checks the certificate's own profile before
it looks for an issuer, so it runs for every certificate, known issuer or not. A refusal is
explained from the certificates' own structure (`profile.py`, worded by `refusals.py`), never
from the verifier's message, which is kept only as a detail; the chain is then checked once
more without the end-entity rules, so that the report still says whether the issuer is
accepted.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from cryptography import x509
from cryptography.x509.verification import (
    ClientVerifier,
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
)

from sevis_tui.cert.describe import UNREADABLE, Described
from sevis_tui.cert.extensions import unreadable_extensions
from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.model import Policy
from sevis_tui.cert.profile import end_entity_defects
from sevis_tui.cert.refusals import Refusal, chain_refusal, leaf_finding, verifier_detail
from sevis_tui.cert.trust import accepted, vendor_list


def new_certificate_remedy(policy: Policy) -> str:
    """Where to get a certificate SEVIS accepts: the vendors of the configured bundle."""
    return (
        "Get a personal client-authentication certificate from an issuer SEVIS accepts: "
        f"{vendor_list(policy.accepted_issuers)}."
    )


def _end_entity_policy() -> ExtensionPolicy:
    """cryptography's web-PKI end-entity rules, relaxed for a personal client certificate.

    Kept as they are: an authority key identifier is required (RFC 5280 4.2.1.1); no name
    constraints (4.2.1.10); no keyCertSign without being a CA (4.2.1.3, 4.2.1.9); the authority
    information access and authority key identifier are not critical (4.2.2.1, 4.2.1.1); no
    critical extension the verifier does not know.
    """
    return (
        ExtensionPolicy.webpki_defaults_ee()
        # Subject alternative name: the web PKI requires one because a server is known by its
        # DNS names; a personal certificate names its holder in the subject, and RFC 5280
        # 4.2.1.6 requires the extension only when the subject is empty. The rules on its
        # criticality (critical exactly when the subject is empty) stay: judge.leaf_rules
        # checks them (nonconforming_certificate), as a Python validator would cost every file.
        .may_be_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, None)
        # Extended key usage: RFC 5280 4.2.1.12 lets the issuer mark it critical; the CA/B
        # Forum's "not critical" rule is for TLS server certificates. What it must contain
        # (client authentication) stays: judge.leaf_rules checks it (no_client_auth) and says
        # which usages the certificate has.
        .may_be_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None)
    )


@functools.cache
def _extension_policies(strict: bool) -> tuple[ExtensionPolicy, ExtensionPolicy]:
    ee_policy = _end_entity_policy() if strict else ExtensionPolicy.permit_all()
    return ExtensionPolicy.webpki_defaults_ca(), ee_policy


@functools.lru_cache(maxsize=8)  # files checked within the same second share a verifier
def _verifier(store: Store, moment: dt.datetime, strict: bool) -> ClientVerifier:
    ca_policy, ee_policy = _extension_policies(strict)
    return (
        PolicyBuilder()
        .store(store)
        .time(moment)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )


def check_chain(
    subject: Described,
    others: Sequence[Described],
    policy: Policy,
    now: dt.datetime,
    said: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Findings on the path of `subject` to an accepted issuer. `said`: the codes the judge's
    own findings on the subject already gave (a refusal that repeats one is left out)."""
    store = accepted(policy.accepted_issuers).store
    if store is None:
        return [
            finding(
                "untrusted_issuer",
                "No accepted issuers are configured, so no certificate can be accepted.",
                "Set certificates.accepted_issuers in your config to a PEM bundle of the "
                "issuers SEVIS accepts, or leave it empty for the shipped list.",
            )
        ]
    info = subject.info
    if now.microsecond:
        now = now.replace(microsecond=0)  # the verifier's precision (and a shared verifier)
    # Judge the chain as of a moment the leaf is valid: its own dates have their own finding.
    moment = min(max(now, info.not_before), info.not_after) if subject.facts.valid_dates else now
    intermediates = [d.facts.certificate for d in others]
    leaf = subject.facts.certificate
    root, error = _verify(leaf, intermediates, store, moment, strict=True)
    if error is None:
        return [_accepted(root)]
    # Refused: what the report says is read from the certificates, never from the verifier's
    # message (its wording changes between releases); that message is only the detail.
    defects = end_entity_defects(leaf, subject.facts.unreadable_extensions, moment)
    said_here = leaf_finding(defects, said, verifier_detail(error))
    # Look again without the end-entity rules: is the issuer accepted?
    root, error = _verify(leaf, intermediates, store, moment, strict=False)
    if error is None:  # the end-entity rules refused it: said_here says which (or that one did)
        return [*([said_here] if said_here else []), _accepted(root)]
    # Refused again: a defect found says what is wrong with the certificate itself; the
    # "breaks the rules" of leaf_finding would only guess, so the chain explains the refusal.
    findings = [said_here] if said_here is not None and defects else []
    if any(d.any_policy for d in defects):
        return findings  # the certificate itself is refused under any policy: no path to judge
    return [*findings, *_chain_finding(subject, others, policy, now, moment, error)]


def _chain_finding(
    subject: Described,
    others: Sequence[Described],
    policy: Policy,
    now: dt.datetime,
    moment: dt.datetime,
    error: Exception,
) -> list[Finding]:
    """Why the path to an accepted issuer fails, read from the issuer candidates."""
    leaf = subject.facts.certificate
    intermediates = [d.facts.certificate for d in others]
    pool = [*intermediates, *accepted(policy.accepted_issuers).issuers]
    refusal = chain_refusal(leaf, pool, moment, verifier_detail(error))
    if moment != now and refusal.dates:
        # The leaf is expired (or not yet valid) and so is an issuer at that moment:
        # the leaf's own finding already says "renew"; a chain finding would only confuse.
        return []
    return [_explain_failure(subject, others, policy, refusal)]


def _verify(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    store: Store,
    moment: dt.datetime,
    strict: bool,
) -> tuple[x509.Certificate | None, Exception | None]:
    """The accepted root the path reaches, or the verifier's refusal.

    Any exception is a refusal (fail closed): a malformed certificate can upset the verifier
    itself (a TypeError, say) instead of a VerificationError.
    """
    try:
        verified = _verifier(store, moment, strict).verify(leaf, intermediates)
    except Exception as error:  # VerificationError, or the verifier upset by malformed input
        return None, error
    return verified.chain[-1], None


def _accepted(root: x509.Certificate | None) -> Finding:
    name = _display(root) if root is not None else "(unknown)"
    unreadable = _root_unreadable(root) if root is not None else ()
    if unreadable:
        # The verifier read the accepted issuer in its own way; a rule whose extension cannot
        # be read here is not taken as passed (fail closed).
        plural = "s" * (len(unreadable) > 1)
        return finding(
            "chain_invalid",
            f"Issued under «{name}», an accepted issuer, but its {', '.join(unreadable)} "
            f"extension{plural} cannot be read (malformed), so whether it allows this "
            "certificate cannot be checked.",
            "The accepted issuers bundle (certificates.accepted_issuers) holds a malformed "
            "certificate: replace it with a fresh copy from the vendor, then check again.",
        )
    return finding("issuer_accepted", f"Issued under «{name}», an accepted issuer.", "")


@functools.lru_cache(maxsize=64)  # accepted roots recur on every file
def _root_unreadable(root: x509.Certificate) -> tuple[str, ...]:
    """The extensions of an accepted issuer that cryptography cannot read (usually none)."""
    try:
        _ = root.extensions
    except Exception:  # one is malformed: name it
        return unreadable_extensions(root)
    return ()


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
    except Exception:  # a name cryptography cannot present
        return "(unreadable name)"


def issuer_label(described: Described) -> str:
    """The issuer as an officer knows it: its organization (the vendor), else its name."""
    info = described.info
    return info.issuer_organization or info.issuer_common_name or info.issuer


def _explain_failure(
    subject: Described, others: Sequence[Described], policy: Policy, refusal: Refusal
) -> Finding:
    """Walk the file's own chain by name to say why no accepted issuer was reached."""
    trust = accepted(policy.accepted_issuers)
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
        signer = trust.key_ids.get(current.facts.authority_key_id or b"")
        if issuer_name in trust.subjects or signer is not None:
            return _chain_invalid(current, issuer_name, signer, refusal)
        parent = by_subject.get(issuer_name)
        if parent is None:
            signed_by = _signed_by_key(current, others)
            if signed_by is not None:
                named = (signed_by.info.subject, signed_by.info.display_name)
                return _chain_invalid(current, issuer_name, named, refusal)
            break
        if issuer_name in seen:
            break
        seen.add(issuer_name)
        if parent.info.self_signed:
            return finding(
                "untrusted_issuer",
                f"Issued by «{issuer_label(subject)}», which is not an issuer SEVIS accepts: "
                f"the chain in this file ends at «{_display(parent.facts.certificate)}», a root "
                "certificate that is not in the accepted list.",
                new_certificate_remedy(policy),
            )
        current = parent
    return _missing(subject, current, policy)


def _signed_by_key(current: Described, others: Sequence[Described]) -> Described | None:
    """The certificate in the file whose key identifier `current` names as its issuer's."""
    wanted = current.facts.authority_key_id
    if wanted is None:
        return None
    return next((o for o in others if o.facts.subject_key_id == wanted), None)


def _chain_invalid(
    current: Described, issuer_name: str, signer: tuple[str, str] | None, refusal: Refusal
) -> Finding:
    """signer: (subject text, name to show) of the certificate whose key `current` names."""
    if signer is not None and signer[0] != issuer_name:
        what = (
            f"«{current.info.display_name}» names as its issuer the key of «{signer[1]}», but "
            f"gives a different issuer name («{issuer_name}»): names must match exactly, so "
            "no chain can be built"
        )
    else:
        what = (
            f"The certificate names an accepted issuer, but the chain does not check out: "
            f"{refusal.plain}"
        )
    detail = f" (detail: {refusal.detail})" if refusal.detail else ""
    return finding(
        "chain_invalid",
        f"{what}{detail}.",
        "The file or the certificate may be damaged or forged; get a fresh copy from your "
        "provider. If it persists, contact your provider.",
    )


def _missing(subject: Described, top: Described, policy: Policy) -> Finding:
    """No issuer for `top` (the leaf, or the last certificate of the file's chain)."""
    label = issuer_label(top)
    issuer_name = top.info.issuer_common_name or top.info.issuer
    urls = top.facts.ca_issuer_urls
    where = f" (its issuer publishes it at {urls[0]})" if urls else ""
    start = (
        f"Issued by «{label}»"
        if top is subject
        else f"The file's chain ends at «{top.info.display_name}», issued by «{label}»"
    )
    organization = top.info.issuer_organization
    if organization and organization.lower() in accepted(policy.accepted_issuers).vendor_keys:
        # The issuer's organization is an accepted vendor: its intermediate is what is missing.
        return finding(
            "missing_intermediate",
            f"{start}, an issuer SEVIS accepts, but this file lacks the intermediate "
            f"certificate «{issuer_name}» that links it to the accepted list.",
            f"Add the intermediate certificate «{issuer_name}» to the file{where}, or get the "
            f"full chain (.p7b) from {organization}; then check the file again.",
        )
    return finding(
        "missing_intermediate",
        f"{start}, which is not an issuer SEVIS accepts: neither the accepted list nor this "
        f"file holds the certificate of «{issuer_name}», so no chain to an accepted issuer can "
        "be built.",
        f"{new_certificate_remedy(policy)} If «{issuer_name}» is an intermediate certificate of "
        f"one of them, add it to the file instead{where}.",
    )

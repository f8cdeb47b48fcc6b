"""What a refusal of the verifier means, in words for an officer.

`cryptography.x509.verification` refuses with an English message meant for developers, worded
differently from one release to the next. Nothing here reads it to decide what to say: the
finding is built from the certificates themselves (`profile.py`: which extension is missing,
critical when it must not be, unreadable; which issuer rule fails), and the verifier's words are
kept only as a detail for whoever supports the officer. A refusal the checks cannot explain is
still a refusal (fail closed): "breaks the rules for certificates", with the detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509

from sevis_tui.cert.findings import Finding, finding
from sevis_tui.cert.profile import Defect, path_defects

_PROCESSING = " (encountered processing "
_DETAIL_LIMIT = 300


@dataclass(frozen=True)
class Refusal:
    """Why the path above the certificate to register does not validate."""

    plain: str  # a reason: "an issuing certificate is expired or not yet valid"
    detail: str  # the verifier's own words, for whoever supports the officer
    dates: bool = False  # an issuer is not valid at the moment judged


def verifier_detail(error: Exception) -> str:
    """The library's words for a detail, shortened; "" when they would name a Python class
    (the officer never sees one). Only what is shown is decided here, never what it means."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else ""
    cut = text.find(_PROCESSING)  # the certificate's long description: the report names it
    if cut >= 0:
        text = text[:cut]
    text = text.removeprefix("validation failed: ")
    if any(word.strip("(),:;.'\"").endswith(("Error", "Exception")) for word in text.split()):
        return ""
    return text[:_DETAIL_LIMIT]


def leaf_finding(defects: Sequence[Defect], said: frozenset[str], detail: str) -> Finding | None:
    """The finding for a certificate the end-entity rules refuse; None when the judge's own
    findings (`said`) already say everything found."""
    if not defects:  # refused for a reason the checks do not know: still refused
        return nonconforming_finding("breaks the rules for certificates", detail)
    new = [d.leaf for d in defects if d.leaf and not d.covered_by & said]
    if not new:
        return None
    return nonconforming_finding(_and(list(dict.fromkeys(new))), detail)


def chain_refusal(
    leaf: x509.Certificate,
    pool: Sequence[x509.Certificate],
    moment: dt.datetime,
    detail: str,
) -> Refusal:
    """Why no path above `leaf` validates, from the issuer candidates in `pool`."""
    defects = path_defects(leaf, pool, moment)
    reasons = list(dict.fromkeys(d.issuer for d in defects if d.issuer))
    plain = "; ".join(reasons[:3]) or "the chain could not be validated"
    return Refusal(plain, detail, any(d.dates for d in defects))


def nonconforming_finding(plain: str, detail: str = "") -> Finding:
    """The finding for a certificate that breaks the profile: `plain` follows "The certificate"."""
    said = f" (detail: {detail})" if detail else ""
    return finding(
        "nonconforming_certificate",
        f"The certificate {plain}. The standard rules for certificates (RFC 5280) forbid this, "
        f"so SEVIS's check refuses it{said}.",
        "Ask your provider to issue a new certificate; this one cannot be registered.",
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

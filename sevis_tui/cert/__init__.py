"""The offline certificate engine: load, describe and judge certificate files. No Textual.

    policy = Policy(accepted_issuers=accepted_issuers(bundle_path), now=when)
    report = inspect_path("jsmith6544.cer", policy)      # or inspect_bytes(upload, policy)
    report.ok, report.subject, report.findings, report.to_dict()

The engine takes its inputs and reads no config: `sevis_tui.settings.policy.load_policy(settings)`
builds the configured Policy. Finding codes are listed in `sevis_tui.cert.findings`.
"""

from __future__ import annotations

from sevis_tui.cert.engine import (
    KeyFile,
    inspect_bytes,
    inspect_path,
    load_key,
    read_key_file,
    scan_file,
    walk,
)
from sevis_tui.cert.findings import CODES, Finding, Severity
from sevis_tui.cert.model import CertificateInfo, FileReport, Policy
from sevis_tui.cert.trust import BundleError, accepted_issuers, default_issuers, load_bundle

__all__ = [
    "CODES",
    "BundleError",
    "CertificateInfo",
    "FileReport",
    "Finding",
    "KeyFile",
    "Policy",
    "Severity",
    "accepted_issuers",
    "default_issuers",
    "inspect_bytes",
    "inspect_path",
    "load_bundle",
    "load_key",
    "read_key_file",
    "scan_file",
    "walk",
]

"""The offline certificate engine: load, describe and judge certificate files. No Textual.

    policy = load_policy(settings, extra_issuers=demo_issuers(settings))
    report = inspect_path("jsmith6544.cer", policy)      # or inspect_bytes(upload, policy)
    report.ok, report.subject, report.findings, report.to_dict()

Finding codes are listed in `sevis_tui.cert.findings`.
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
from sevis_tui.cert.trust import default_issuers, demo_issuers, load_bundle, load_policy

__all__ = [
    "CODES",
    "CertificateInfo",
    "FileReport",
    "Finding",
    "KeyFile",
    "Policy",
    "Severity",
    "default_issuers",
    "demo_issuers",
    "inspect_bytes",
    "inspect_path",
    "load_bundle",
    "load_key",
    "load_policy",
    "read_key_file",
    "scan_file",
    "walk",
]

"""The wire contract between the client (`api/`) and the service (`service/`): docs/api.md.

Requests, answers, findings and the error shape as msgspec Structs, and the codec both sides
use. It imports nothing else of ours, so either side can import it without the other.
"""

from __future__ import annotations

from sevis_tui.contract.codec import decode, encode, where_and_what
from sevis_tui.contract.errors import ErrorDetail, ErrorReply
from sevis_tui.contract.findings import SEVERITIES, Finding, Severity
from sevis_tui.contract.models import (
    PROGRAM_NUMBER,
    USER_ID,
    USER_ID_MAX,
    Acceptance,
    Address,
    Agreement,
    Answer,
    BatchStatus,
    BatchSummary,
    CertificatePrograms,
    CertificateSummary,
    Confirmation,
    Designation,
    Health,
    LoginResult,
    Official,
    ProgramAction,
    ProgramDetail,
    ProgramSummary,
    RegisteredProgram,
    Registration,
    Trust,
    TrustedIssuer,
    User,
)
from sevis_tui.contract.requests import AcceptanceRequest, LoginRequest

__all__ = [
    "PROGRAM_NUMBER",
    "SEVERITIES",
    "USER_ID",
    "USER_ID_MAX",
    "Acceptance",
    "AcceptanceRequest",
    "Address",
    "Agreement",
    "Answer",
    "BatchStatus",
    "BatchSummary",
    "CertificatePrograms",
    "CertificateSummary",
    "Confirmation",
    "Designation",
    "ErrorDetail",
    "ErrorReply",
    "Finding",
    "Health",
    "LoginRequest",
    "LoginResult",
    "Official",
    "ProgramAction",
    "ProgramDetail",
    "ProgramSummary",
    "RegisteredProgram",
    "Registration",
    "Severity",
    "Trust",
    "TrustedIssuer",
    "User",
    "decode",
    "encode",
    "where_and_what",
]

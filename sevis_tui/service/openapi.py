"""The service's OpenAPI document, made from contract/ (msgspec writes the JSON Schemas), served
at GET /api/v1/openapi.json and kept in docs/openapi.json (a test keeps the two equal).

    python -m sevis_tui.service.openapi docs/openapi.json     # write it again after a change

Every error, whatever its status, is the one error shape (ErrorReply): it is each operation's
`default` answer.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from sevis_tui.contract import (
    PROGRAM_NUMBER,
    Acceptance,
    AcceptanceRequest,
    Agreement,
    BatchStatus,
    CertificatePrograms,
    Confirmation,
    ErrorReply,
    Health,
    LoginRequest,
    LoginResult,
    ProgramDetail,
    ProgramSummary,
    Trust,
)
from sevis_tui.service.uploads import MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer: Any  # the contract type of the success answer; None: no body (204)
    status: int = 200
    request: Any = None  # the contract type of a JSON body
    signed_in: bool = True
    parameters: tuple[dict[str, Any], ...] = field(default=())
    binary_body: bool = False


NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "The program number, e.g. P-1-12345.",
    "schema": {"type": "string", "pattern": f"^(?:{PROGRAM_NUMBER.pattern})$"},
    "example": "P-1-00001",  # a demo program (serve --demo)
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "A fresh random key per new upload, the same one on a retry.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
FILENAME = {
    "name": "filename",
    "in": "query",
    "required": False,
    "description": "The uploaded file's name, for the audit log and the receipt.",
    "schema": {"type": "string", "maxLength": 255},
}
SHA256 = {
    "name": "sha256",
    "in": "query",
    "required": True,
    "description": "A certificate's SHA-256 fingerprint: 64 hex digits, colons optional.",
    "schema": {"type": "string", "pattern": "^(?::*[0-9A-Fa-f]){64}:*$"},
}

OPERATIONS = (
    Operation("get", "/health", "Is the service up", Health, signed_in=False),
    Operation("post", "/session", "Log in", LoginResult, request=LoginRequest, signed_in=False),
    Operation("delete", "/session", "Log out (end this session)", None, status=204),
    Operation("get", "/programs", "The user's programs", list[ProgramSummary]),
    Operation("get", "/programs/{number}", "A program", ProgramDetail, parameters=(NUMBER,)),
    Operation("get", "/batch/agreement", "The current Batch Processing Agreement", Agreement),
    Operation(
        "post",
        "/programs/{number}/batch/acceptance",
        "Accept the agreement for a program",
        Acceptance,
        status=201,
        request=AcceptanceRequest,
        parameters=(NUMBER,),
    ),
    Operation(
        "post",
        "/programs/{number}/batch/certificate",
        "Register a certificate (PEM or DER) for batch processing",
        Confirmation,
        status=201,
        parameters=(NUMBER, IDEMPOTENCY_KEY, FILENAME),
        binary_body=True,
    ),
    Operation(
        "get",
        "/programs/{number}/batch",
        "A program's batch status and registration history",
        BatchStatus,
        parameters=(NUMBER,),
    ),
    Operation(
        "get",
        "/batch/registrations",
        "The user's programs whose current registration is this certificate",
        CertificatePrograms,
        parameters=(SHA256,),
    ),
    Operation("get", "/trust", "The issuers the service accepts", Trust, signed_in=False),
    Operation("get", "/openapi.json", "This document", None, signed_in=False),
)


def openapi_document() -> dict[str, Any]:
    answers = [op.answer for op in OPERATIONS if op.answer is not None]
    bodies = [op.request for op in OPERATIONS if op.request is not None]
    kinds = [*answers, *bodies, ErrorReply]
    schemas, components = msgspec.json.schema_components(
        kinds, ref_template="#/components/schemas/{name}"
    )
    schema_of = dict(zip(map(_key, kinds), schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, schema_of)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sevis-tui registration service",
            "version": "1",
            "description": "Generated from sevis_tui/contract; the prose is docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}},
        },
    }


def _key(kind: Any) -> str:
    return repr(kind)


def _operation(op: Operation, schema_of: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.answer is not None:
        success["content"] = {"application/json": {"schema": schema_of[_key(op.answer)]}}
    elif op.path == "/openapi.json":
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    operation: dict[str, Any] = {
        "summary": op.summary,
        "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_')}".replace("{", "")
        .replace("}", "")
        .replace(".", "_"),
        "security": [{"session": []}] if op.signed_in else [],
        "responses": {
            str(op.status): success,
            "default": {
                "description": "Any refusal or failure: the one error shape (docs/api.md).",
                "content": {"application/json": {"schema": schema_of[_key(ErrorReply)]}},
            },
        },
    }
    if op.parameters:
        operation["parameters"] = list(op.parameters)
    if op.request is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_of[_key(op.request)]}},
        }
    if op.binary_body:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"},
                }
            },
            "description": f"The certificate file, at most {MAX_UPLOAD_BYTES // 1024} KiB.",
        }
    return operation


def rendered() -> bytes:
    """The document as served and as kept in docs/openapi.json."""
    return (json.dumps(openapi_document(), indent=2, ensure_ascii=True) + "\n").encode("ascii")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m sevis_tui.service.openapi FILE")
    Path(sys.argv[1]).write_bytes(rendered())

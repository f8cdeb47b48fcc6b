"""docs/api.md lists every refusal the batch interface can answer: status, code and reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def raised() -> set[tuple[int, str, str]]:
    found = set()
    for path in (ROOT / "sevis_tui" / "service" / "batch").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "BatchRefusal":
                status, code, reason = node.args[:3]
                if isinstance(status, ast.Constant) and isinstance(code, ast.Constant):
                    reasons = (
                        [reason.value]
                        if isinstance(reason, ast.Constant)
                        else [c.value for c in ast.walk(reason) if isinstance(c, ast.Constant)]
                    )
                    found.update((int(status.value), str(code.value), str(r)) for r in reasons)
    return found


def documented() -> list[tuple[set[str], set[str], set[str]]]:
    section = DOCS.split("## Batch interface", 1)[1]
    rows = re.findall(r"^\| ([\d/]+) \| ([A-Z0-9/]+) \| (.+?) \| (.+?) \|$", section, re.M)
    return [
        (set(status.split("/")), set(code.split("/")), set(re.findall(r"`([a-z_]+)`", reasons)))
        for status, code, reasons, meaning in rows
    ]


def test_every_refusal_is_documented() -> None:
    refusals = raised()
    assert len(refusals) >= 25  # the scan finds them
    rows = documented()
    for status, code, reason in refusals:
        assert any(
            str(status) in statuses and code in codes and reason in reasons
            for statuses, codes, reasons in rows
        ), f"{status} {code} {reason} is not in docs/api.md's batch refusals"


def test_the_endpoints_and_the_simulation_notice_are_documented() -> None:
    for endpoint in ("check", "batchUpload", "batchDownload"):
        assert f"/sevisbatch/action/{endpoint}`" in DOCS
    assert "**Records are processed by a simulation**" in DOCS
    domain = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    for code in ("S1001", "S1002", "S1003", "S1004", "S1005"):
        assert f"| {code} |" in domain  # every simulated rule is listed
    assert "**Not simulated**" in domain

"""A finding: one thing the certificate check found, the same object offline and on the wire.

`cert/` produces them (its codes and their severities are in `sevis_tui.cert.findings`), the
service sends them in a 422's `findings` and a confirmation's `warnings`, and the client reads
them back as the same type. On the wire: `{"code", "severity", "message", "remedy"}`.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Finding(msgspec.Struct, frozen=True):
    """One thing the engine found, fit to show an officer who is not a certificate expert.

    A severity other than the three is refused when read (the answer is malformed): an
    unknown severity is never taken for a harmless one.
    """

    code: str
    severity: Severity
    message: str
    remedy: str = ""

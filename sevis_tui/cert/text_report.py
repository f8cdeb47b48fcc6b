"""Render reports as readable text: grouped per file, coloured on a terminal, plain otherwise.

Certificate text is untrusted: a subject can hold terminal escape sequences or Rich markup
such as `[red]x[/]`. Everything from a certificate goes through `printable()` (control and
format characters become visible escapes like `\\x1b`) and into `rich.text.Text` objects, which
are never parsed as markup; so the text shows exactly what is there and cannot drive the
terminal. JSON output keeps the exact values instead. Rich only, no Textual.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rich.console import Console
from rich.text import Text

from sevis_tui.cert.describe import describe
from sevis_tui.cert.findings import Finding
from sevis_tui.cert.model import CertificateInfo, FileReport, Policy
from sevis_tui.text import formats

_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABELS = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_LABEL_WIDTH = 16


def printable(text: str) -> str:
    """text with every control/format/unassigned character replaced by a visible escape."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char == " " or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def make_console(stream: IO[str], color: bool | None = None) -> Console:
    """A console that never interprets markup; colour only on a terminal unless forced.

    Rich itself honours NO_COLOR (and a plain, non-terminal stream gets no styling at all).
    """
    return Console(
        file=stream,
        force_terminal=color,
        no_color=None if color is None else not color,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def _row(label: str, value: str, style: str = "") -> Text:
    text = Text("    " + f"{label:<{_LABEL_WIDTH}}", style="dim")
    text.append(printable(value), style=style)
    return text


def certificate_lines(info: CertificateInfo, number: int, registered: bool) -> list[Text]:
    title = Text(f"  Certificate {number}", style="bold")
    title.append(f" ({info.role})")
    if registered:
        title.append("  <- would be registered", style="bold green")
    lines = [title, _row("Subject", info.subject), _row("Issuer", info.issuer)]
    lines.append(_row("Serial", info.serial_hex))
    left = f"{info.days_left} days left" if info.days_left >= 0 else "expired"
    validity_style = "red" if info.days_left < 0 else ""
    lines.append(
        _row(
            "Valid",
            f"{formats.minute_utc(info.not_before)} to {formats.minute_utc(info.not_after)}"
            f" ({left})",
            validity_style,
        )
    )
    lines.append(_row("Key", info.key_description))
    lines.append(_row("Signature", info.signature_algorithm))
    optional = (
        ("E-mail", ", ".join(info.emails)),
        ("Alt. names", ", ".join(info.sans)),
        ("Key usage", ", ".join(info.key_usage)),
        ("Ext. key usage", ", ".join(info.extended_key_usage)),
        ("Issuer info", ", ".join(info.aia_urls)),
        ("CRL", ", ".join(info.crl_urls)),
    )
    lines += [_row(label, value) for label, value in optional if value]
    constraints = "yes" if info.is_ca else "no"
    if info.is_ca and info.path_length is not None:
        constraints += f" (path length {info.path_length})"
    lines.append(_row("CA", constraints))
    lines.append(_row("Self-signed", "yes" if info.self_signed else "no"))
    lines.append(_row("SHA-256", info.sha256))
    lines.append(_row("SHA-1", info.sha1))
    return lines


def finding_lines(found: Finding) -> list[Text]:
    head = Text("    ")
    head.append(f"{_LABELS[found.severity]:<8}", style=_STYLES[found.severity])
    head.append(f"{printable(found.message)} ")
    head.append(f"[{found.code}]", style="dim")
    lines = [head]
    if found.remedy:
        lines.append(Text("            -> " + printable(found.remedy), style="italic"))
    return lines


def verdict(report: FileReport) -> Text:
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        return Text(
            f"NOT OK: {errors} error{'s' * (errors != 1)}"
            + (f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""),
            style="bold red",
        )
    if warnings:
        return Text(f"OK with {warnings} warning{'s' * (warnings != 1)}", style="bold yellow")
    return Text("OK", style="bold green")


def report_lines(report: FileReport) -> list[Text]:
    count = len(report.certificates)
    header = Text("== ", style="bold")
    header.append(printable(report.name or "(unnamed)"), style="bold")
    header.append(f"  ({report.format}, {count} certificate{'s' * (count != 1)})  ")
    header.append_text(verdict(report))
    lines = [header]
    for number, info in enumerate(report.certificates, start=1):
        lines += certificate_lines(info, number, info is report.subject)
    if report.findings:
        lines.append(Text("  Findings", style="bold"))
        for found in report.findings:
            lines += finding_lines(found)
    return lines


def render_report(report: FileReport, console: Console) -> None:
    for line in report_lines(report):
        console.print(line)
    console.print()


@dataclass
class Tally:
    """Running counts for the summary line; reports are streamed, not kept."""

    files: int = 0
    ok: int = 0
    with_warnings: int = 0
    with_errors: int = 0
    skipped: int = 0

    def add(self, report: FileReport) -> None:
        self.count(bool(report.errors), bool(report.warnings))

    def count(self, errors: bool, warnings: bool) -> None:
        self.files += 1
        if errors:
            self.with_errors += 1
        elif warnings:
            self.with_warnings += 1
        else:
            self.ok += 1

    def line(self) -> Text:
        text = Text(f"{self.files} file{'s' * (self.files != 1)} checked: ", style="bold")
        text.append(f"{self.ok} OK", style="green" if self.ok else "")
        text.append(", ")
        text.append(
            f"{self.with_warnings} with warnings", style="yellow" if self.with_warnings else ""
        )
        text.append(", ")
        text.append(f"{self.with_errors} with errors", style="red" if self.with_errors else "")
        if self.skipped:
            text.append(f"; {self.skipped} other files skipped (not certificate files)")
        return text


def issuer_lines(issuers: Iterable[x509.Certificate], source: str) -> list[Text]:
    """The accepted issuers, for `inspect --issuers`."""
    now = Policy().current_time()
    listed = list(issuers)
    lines = [Text(f"Accepted issuers ({len(listed)}), from {printable(source)}:", style="bold")]
    for number, certificate in enumerate(listed, start=1):
        info = describe(certificate, certificate.public_bytes(Encoding.DER), now, number).info
        lines.append(Text(f"  {number:>2}. ", style="bold").append(printable(info.display_name)))
        lines.append(_row("Organization", info.subject_organization))
        lines.append(_row("Valid until", formats.day(info.not_after)))
        lines.append(_row("SHA-256", info.sha256))
    return lines


def plain_text(report: FileReport) -> str:
    """The report as plain text (no colour), e.g. for a saved receipt or a test."""
    buffer = io.StringIO()
    render_report(report, make_console(buffer, color=False))
    return buffer.getvalue()

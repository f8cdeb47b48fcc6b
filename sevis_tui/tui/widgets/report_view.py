"""The full offline report of one certificate file, with why each finding matters.

Reuses the engine's own text rendering (`cert.text_report`), so the screen shows exactly what
`sevis-tui inspect` prints. Everything from the file arrives as rich Text, never as markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sevis_tui.cert import CertificateInfo, FileReport
from sevis_tui.cert.text_report import finding_lines, printable, verdict
from sevis_tui.cert.why import why
from sevis_tui.text import formats
from sevis_tui.tui.widgets.wrapping import Hanging


def field_grid(rows: list[tuple[str, str]]) -> Table:
    """Label and value columns: long values wrap under their value, not under the label, and
    break at spaces, then after "," ":" "/" (never in the middle of a word when avoidable)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, Hanging(Text(printable(value)), 0))
    return grid


def certificate_rows(info: CertificateInfo) -> list[tuple[str, str]]:
    valid = f"{formats.minute_utc(info.not_before)} to {formats.minute_utc(info.not_after)}"
    left = f"{info.days_left} days left" if info.days_left >= 0 else "expired"
    rows = [
        ("Subject", info.subject),
        ("Issuer", info.issuer),
        ("Valid", f"{valid} ({left})"),
        ("Key", info.key_description),
        ("Signature", info.signature_algorithm),
        ("E-mail", ", ".join(info.emails)),
        ("Key usage", ", ".join(info.key_usage)),
        ("Ext. key usage", ", ".join(info.extended_key_usage)),
        ("CA", "yes" if info.is_ca else "no"),
        ("Self-signed", "yes" if info.self_signed else "no"),
        ("Serial", info.serial_hex),
        ("SHA-256", info.sha256),
        ("SHA-1", info.sha1),
        ("Issuer info", ", ".join(info.aia_urls)),
        ("CRL", ", ".join(info.crl_urls)),
    ]
    return [(label, value) for label, value in rows if value]


def report_renderable(report: FileReport) -> Group:
    count = len(report.certificates)
    parts: list[RenderableType] = [
        Text.assemble(("Verdict  ", "bold"), verdict(report)),
        Text(f"Format   {report.format}, {count} certificate{'s' * (count != 1)}"),
    ]
    if report.findings:
        parts.append(Text("\nFindings", style="bold underline"))
        # Wrapped lines continue under their text: ERROR's message, "->"'s remedy, "why:"'s reason.
        for found in report.findings:
            parts.extend(Hanging(line) for line in finding_lines(found))
            reason = why(found.code)
            if reason and found.severity != "info":
                parts.append(Hanging(Text("            why: " + reason, style="dim")))
    for number, info in enumerate(report.certificates, start=1):
        title = Text(f"\nCertificate {number} ({info.role})", style="bold underline")
        if info is report.subject:
            title.append("  <- would be registered", style="bold green")
        parts.append(title)
        parts.append(field_grid(certificate_rows(info)))
    return Group(*parts)


class ReportView(Static):
    """Shows a FileReport; empty until `show()` is called."""

    DEFAULT_CSS = """
    ReportView { height: auto; }
    """

    def show(self, report: FileReport) -> None:
        self.update(report_renderable(report))


def safe(text: str) -> Text:
    """Untrusted text (file names, subjects) as plain, escape-free Text."""
    return Text(printable(text))

"""The full offline report of one certificate file, with why each finding matters.

Reuses the engine's own text rendering (`cert.text_report`), so the screen shows exactly what
`sevis-tui inspect` prints. Everything from the file arrives as rich Text, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from sevis_tui.cert import FileReport
from sevis_tui.cert.text_report import certificate_lines, finding_lines, printable, verdict
from sevis_tui.cert.why import why


def report_text(report: FileReport) -> Text:
    count = len(report.certificates)
    lines = [
        Text.assemble(("Verdict  ", "bold"), verdict(report)),
        Text(f"Format   {report.format}, {count} certificate{'s' * (count != 1)}"),
    ]
    if report.findings:
        lines.append(Text("\nFindings", style="bold underline"))
        for found in report.findings:
            lines += finding_lines(found)
            reason = why(found.code)
            if reason and found.severity != "info":
                lines.append(Text("            why: " + reason, style="dim"))
    for number, info in enumerate(report.certificates, start=1):
        lines.append(Text(""))
        lines += certificate_lines(info, number, info is report.subject)
    return Text("\n").join(lines)


class ReportView(Static):
    """Shows a FileReport; empty until `show()` is called."""

    DEFAULT_CSS = """
    ReportView { height: auto; }
    """

    def show(self, report: FileReport) -> None:
        self.update(report_text(report))


def safe(text: str) -> Text:
    """Untrusted text (file names, subjects) as plain, escape-free Text."""
    return Text(printable(text))

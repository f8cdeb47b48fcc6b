"""What the file browser shows of a folder: the rules, the filter and the counts. No Textual."""

from __future__ import annotations

from sevis_tui.folders.listing import Entry, filter_entries


class FolderView:
    """The entries of one folder, and which of them are shown under the current rules."""

    def __init__(
        self,
        *,
        show_hidden: bool = False,
        certificates_only: bool = False,
        noun: str = "certificate file",
    ) -> None:
        self.entries: list[Entry] = []
        self.noun = noun  # what the marked files are called in the counts
        self.rows: list[Entry] = []
        self.filter_text = ""
        self.show_hidden = show_hidden
        self.certificates_only = certificates_only
        self.reading = False
        self.checking_contents = False
        self._narrow_from: tuple[str, list[Entry]] | None = None
        self._certificate_count: int | None = None

    def set_entries(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.invalidate()

    def invalidate(self) -> None:
        """Entries, marks or rules changed: filter from scratch and count again."""
        self._narrow_from = None
        self._certificate_count = None

    def apply(self) -> list[Entry]:
        """Work out the rows to show; a longer filter only filters the rows already shown."""
        query = self.filter_text.casefold()
        source = self.entries
        narrow = self._narrow_from
        if narrow is not None and query and narrow[0] in query:
            source = narrow[1]
        self.rows = filter_entries(
            source,
            query,
            show_hidden=self.show_hidden,
            certificates_only=self.certificates_only,
        )
        self._narrow_from = (query, self.rows)
        return self.rows

    @property
    def certificate_count(self) -> int:
        """Certificate files among the entries (hidden ones only when shown); cached."""
        if self._certificate_count is None:
            show_hidden = self.show_hidden
            self._certificate_count = sum(
                1
                for entry in self.entries
                if entry.cert_like and (show_hidden or not entry.name.startswith("."))
            )
        return self._certificate_count

    def status_text(self, all_key: str = "ctrl+t") -> str:
        """`412 of 20,500 shown · 3 certificate files · …`; `all_key` shows all files."""
        if self.reading:
            read = f" {len(self.entries):,} entries so far" if self.entries else ""
            return f"Reading…{read}"
        parts = [f"{len(self.rows):,} of {len(self.entries):,} shown"]
        certificates = self.certificate_count
        parts.append(f"{certificates:,} {self.noun}{'s' if certificates != 1 else ''}")
        if self.certificates_only:
            default = self.noun == "certificate file"
            shown = "certificates" if default else self.noun.removesuffix(" file")  # "PKCS#12"
            parts.append(f"{shown} only ({all_key}: all)")
        if self.show_hidden:
            parts.append("hidden shown")
        if self.checking_contents:
            parts.append("checking contents…")
        return " · ".join(parts)

    def empty_text(self, all_key: str = "ctrl+t", hidden_key: str = ".") -> str:
        """What an empty list says, and what to do about it (with the keys in force)."""
        if self.reading:
            return "Reading…"
        if not self.entries:
            return "This folder is empty."
        if self.filter_text:
            return f"Nothing matches “{self.filter_text}”. Press escape to clear the filter."
        if self.certificates_only:
            return f"No {self.noun}s here. Press {all_key} to show all files."
        return f"Only hidden entries here. Press {hidden_key} to show them."

"""Reading one folder for the file browser: pure Python, no Textual.

Reading is split in two so the officer never waits: `scan_folder` uses only what `os.scandir`
already knows (the entry type from the directory itself, no `stat` per entry), and
`fill_details` later adds size, modified time and a look at the first bytes of regular files.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter

from sevis_tui.cert.loading import looks_like_certificate_file

# How many bytes of a file we read to decide whether it holds a certificate.
SNIFF_BYTES = 2048
# Files larger than this are not certificates we could register; do not read them.
SNIFF_MAX_FILE_BYTES = 1 << 20


class Kind(Enum):
    """What a folder entry is. Only FILE (or a link to one) is ever opened."""

    FOLDER = "folder"
    FILE = "file"
    BROKEN_LINK = "broken link"
    FIFO = "fifo"
    SOCKET = "socket"
    DEVICE = "device"
    OTHER = "other"


class CertMark(Enum):
    """Whether an entry looks like a certificate file."""

    UNKNOWN = 0  # contents not looked at yet
    NO = 1
    BY_NAME = 2  # configured extension
    BY_CONTENT = 3  # PEM header or DER SEQUENCE in its first bytes


# Visible stand-ins for control characters so a name can never drive the terminal.
_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROL_PICTURES[0x7F] = "\u2421"
_CONTROL_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})


def display_name(name: str) -> str:
    """The name as it can be shown: undecodable bytes as U+FFFD, control characters as pictures.

    `os.scandir` gives undecodable bytes as lone surrogates (surrogateescape); the real bytes stay
    in `Entry.name`, so choosing the entry still opens the right file.
    """
    if name.isascii() and name.isprintable():
        return name  # the common case, checked in C
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = os.fsencode(name).decode("utf-8", "replace")
    name = name.translate(_CONTROL_PICTURES)
    # Format characters (bidi overrides, zero-width joiners) and line separators could make a
    # name look like another; show them as U+FFFD.
    return "".join(
        "\ufffd" if unicodedata.category(char) in _INVISIBLE_CATEGORIES else char for char in name
    )


@dataclass(slots=True, eq=False)
class Entry:
    """One row of the listing."""

    name: str  # the real name (may hold surrogate escapes); join with the folder to open it
    label: str  # what is shown
    key: str  # label.casefold(), what the filter and sort compare
    kind: Kind
    is_link: bool = False
    cert: CertMark = CertMark.UNKNOWN
    size: int | None = None
    mtime: float | None = None
    error: str = ""  # why details could not be read, shown instead of the size

    @property
    def is_folder(self) -> bool:
        return self.kind is Kind.FOLDER

    @property
    def hidden(self) -> bool:
        return self.name.startswith(".")

    @property
    def cert_like(self) -> bool:
        return self.cert in (CertMark.BY_NAME, CertMark.BY_CONTENT)

    def path(self, folder: str) -> str:
        return os.path.join(folder, self.name)


@dataclass(slots=True)
class Listing:
    """The result of reading a folder: its entries, folders first then by name, or an error."""

    folder: str
    entries: list[Entry] = field(default_factory=list)
    error: str = ""


def _kind_of(entry: os.DirEntry[str]) -> tuple[Kind, bool]:
    """The entry's kind from the directory's own type field; stat only for links and specials."""
    is_link = False
    try:
        is_link = entry.is_symlink()
        if entry.is_dir():
            return Kind.FOLDER, is_link
        if entry.is_file():
            return Kind.FILE, is_link
        mode = entry.stat(follow_symlinks=not is_link).st_mode
    except FileNotFoundError:
        # A link whose target is missing, or an entry removed while we read.
        return Kind.BROKEN_LINK, True
    except OSError:
        # A symbolic link loop (ELOOP) or an entry we may not look at.
        return (Kind.BROKEN_LINK, True) if is_link else (Kind.OTHER, False)
    if is_link:
        try:
            mode = os.stat(entry.path).st_mode
        except OSError:
            return Kind.BROKEN_LINK, True
    if stat.S_ISFIFO(mode):
        return Kind.FIFO, is_link
    if stat.S_ISSOCK(mode):
        return Kind.SOCKET, is_link
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Kind.DEVICE, is_link
    return Kind.OTHER, is_link


def describe_error(error: OSError, folder: str) -> str:
    """One line saying what went wrong with a folder and what to do."""
    shown = display_name(folder)
    if isinstance(error, PermissionError):
        return f"Cannot read {shown}: permission denied. Choose another folder (backspace: parent)."
    if isinstance(error, FileNotFoundError):
        return f"{shown} no longer exists. Press backspace for the parent or ~ for home."
    if isinstance(error, NotADirectoryError):
        return f"{shown} is not a folder. Press backspace for the parent."
    if error.errno == errno.ELOOP:
        return f"{shown} is a symbolic link loop. Press backspace for the parent."
    reason = error.strerror or type(error).__name__
    return f"Cannot read {shown}: {reason}. Press ctrl+r to retry or backspace for the parent."


def sort_entries(entries: list[Entry]) -> list[Entry]:
    """Folders first, then files; each by name ignoring case, then by exact name."""
    by_key = attrgetter("key")
    if len({entry.key for entry in entries}) != len(entries):
        # Names that differ only in case: order them by exact name (the sort below is stable).
        entries = sorted(entries, key=attrgetter("name"))
    folders = sorted((entry for entry in entries if entry.kind is Kind.FOLDER), key=by_key)
    others = sorted((entry for entry in entries if entry.kind is not Kind.FOLDER), key=by_key)
    return folders + others


def scan_folder(
    folder: str,
    extensions: Sequence[str] = (),
    *,
    first_batch: Callable[[list[Entry]], None] | None = None,
    first_batch_size: int = 1000,
) -> Listing:
    """Read `folder` with `os.scandir` and no per-entry `stat` (except for links and specials).

    In a large folder `first_batch` gets the first `first_batch_size` entries, sorted, so
    something is on screen while the rest is read.
    """
    suffixes = tuple(extension.lower() for extension in extensions)
    entries: list[Entry] = []
    error = ""
    folder_kind, file_kind = Kind.FOLDER, Kind.FILE
    by_name, unknown, no = CertMark.BY_NAME, CertMark.UNKNOWN, CertMark.NO
    append = entries.append
    try:
        with os.scandir(folder) as iterator:
            for dir_entry in iterator:
                name = dir_entry.name
                label = display_name(name)
                # The fast path uses only the directory's type field: no system call.
                if not dir_entry.is_symlink() and dir_entry.is_file():
                    kind, is_link = file_kind, False
                elif not dir_entry.is_symlink() and dir_entry.is_dir():
                    kind, is_link = folder_kind, False
                else:
                    kind, is_link = _kind_of(dir_entry)
                if kind is file_kind:
                    mark = by_name if suffixes and name.lower().endswith(suffixes) else unknown
                else:
                    mark = no
                append(Entry(name, label, label.casefold(), kind, is_link, mark))
                if first_batch is not None and len(entries) == first_batch_size:
                    first_batch(sort_entries(entries))
    except OSError as os_error:
        # Entries read before the folder vanished are still worth showing.
        error = describe_error(os_error, folder)
    return Listing(folder, sort_entries(entries), error)


def sniff_file(path: str) -> tuple[CertMark, int | None, float | None, str]:
    """Look at a regular file: (mark, size, mtime, error). Never blocks on FIFOs or devices."""
    try:
        # O_NONBLOCK: if the entry was swapped for a FIFO since the listing, open must not hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        return _stat_only(path, "unreadable")
    except OSError as error:
        return CertMark.NO, None, None, error.strerror or "unreadable"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return CertMark.NO, None, info.st_mtime, "not a regular file"
        if info.st_size > SNIFF_MAX_FILE_BYTES:
            return CertMark.NO, info.st_size, info.st_mtime, ""
        head = os.read(fd, SNIFF_BYTES)
        sniffed = looks_like_certificate_file(head, info.st_size)
        mark = CertMark.BY_CONTENT if sniffed else CertMark.NO
        return mark, info.st_size, info.st_mtime, ""
    except OSError as error:
        return CertMark.NO, None, None, error.strerror or "unreadable"
    finally:
        os.close(fd)


def _stat_only(path: str, error: str) -> tuple[CertMark, int | None, float | None, str]:
    try:
        info = os.stat(path)
    except OSError:
        return CertMark.NO, None, None, error
    return CertMark.NO, info.st_size, info.st_mtime, error


def fill_details(folder: str, entries: Iterable[Entry], *, by_content: bool = True) -> None:
    """Add size, modified time and the content mark to each entry (done off the UI thread).
    Without `by_content`, only the extensions mark files (a browser for other files than
    certificates: a certificate found by its content is not one of them)."""
    for entry in entries:
        path = os.path.join(folder, entry.name)
        if entry.kind is Kind.FILE:
            mark, size, mtime, error = sniff_file(path)
            mark = mark if by_content else CertMark.NO
            if entry.cert is not CertMark.BY_NAME:
                entry.cert = mark
            entry.size, entry.mtime, entry.error = size, mtime, error
        else:
            try:
                info = os.stat(path, follow_symlinks=entry.kind is not Kind.BROKEN_LINK)
            except OSError:
                entry.mtime = None
            else:
                entry.mtime = info.st_mtime
            if entry.cert is CertMark.UNKNOWN:
                entry.cert = CertMark.NO


def filter_entries(
    entries: Sequence[Entry],
    query: str = "",
    *,
    show_hidden: bool = False,
    certificates_only: bool = False,
) -> list[Entry]:
    """Entries to show: case-insensitive substring on the shown name, hidden and cert rules."""
    needle = query.casefold()
    return [
        entry
        for entry in entries
        if (show_hidden or not entry.name.startswith("."))
        and (not certificates_only or entry.kind is Kind.FOLDER or entry.cert_like)
        and (not needle or needle in entry.key)
    ]


def complete_path(typed: str) -> tuple[str, list[str]]:
    """Tab completion for a typed path: (longest unambiguous completion, matching names).

    Folders complete with a trailing separator so the next tab descends into them.
    """
    expanded = os.path.expanduser(typed) if typed.startswith("~") else typed
    folder, prefix = os.path.split(expanded)
    folder_to_read = folder or "."
    try:
        with os.scandir(folder_to_read) as iterator:
            matches = sorted(
                (entry.name + (os.sep if _is_dir(entry) else ""))
                for entry in iterator
                if entry.name.startswith(prefix)
                and (prefix.startswith(".") or entry.name[0] != ".")
            )
    except OSError:
        return typed, []
    if not matches:
        return typed, []
    # Names in one folder: a character prefix is what completion means here.
    common = os.path.commonprefix(matches)  # noqa: RUF071
    completed = os.path.join(folder, common) if folder else common
    if typed.startswith("~") and not expanded.startswith("~"):
        home = os.path.expanduser("~")
        if completed.startswith(home):
            completed = "~" + completed[len(home) :]
    return completed, matches


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False

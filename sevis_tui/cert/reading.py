"""Read a file safely: never block on a FIFO or device, never read more than the cap.

`os.stat` first (it never opens the file), refuse anything but a regular file, then open with
O_NONBLOCK (so a file swapped for a FIFO in between cannot hang us), check again with fstat,
and read at most cap + 1 bytes.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from dataclasses import dataclass, field

from sevis_tui.cert.findings import Finding, finding
from sevis_tui.text import formats

PathArg = str | bytes | os.PathLike[str] | os.PathLike[bytes]

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass
class ReadResult:
    data: bytes | None
    findings: list[Finding] = field(default_factory=list)
    mode: int = 0  # permission bits of the regular file read
    exposed: bool = False  # private=True and others may read it: refused before reading


def display_name(path: PathArg) -> str:
    """The path as text; undecodable bytes of non-UTF-8 names survive as surrogate escapes."""
    return os.fsdecode(os.fspath(path))


def read_path(path: PathArg, max_bytes: int, *, private: bool = False) -> ReadResult:
    """private: refuse (before reading a byte) a file that others may read, judged on the open
    descriptor, so a file swapped or loosened meanwhile is not read either (secret files)."""
    name = display_name(path)
    try:
        info = os.stat(path)
    except OSError as error:
        return ReadResult(None, [_stat_error(path, name, error)])
    problem = _not_regular(info.st_mode, name)
    if problem is not None:
        return ReadResult(None, [problem])
    if info.st_size > max_bytes:
        return ReadResult(None, [too_large_finding(info.st_size, max_bytes)])
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        return ReadResult(None, [_unreadable(name, error)])
    try:
        opened = os.fstat(descriptor)
        problem = _not_regular(opened.st_mode, name)
        if problem is not None:
            return ReadResult(None, [problem])
        if private and stat.S_IMODE(opened.st_mode) & 0o077:
            mode = stat.S_IMODE(opened.st_mode)
            return ReadResult(None, [_exposed(name, mode)], mode, exposed=True)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        # Ask for the size fstat reports (plus one byte, to notice a file still growing):
        # asking for the whole cap would allocate and free a cap-sized buffer for every
        # small file, and that cost more than the rest of the read.
        wanted = min(remaining, opened.st_size + 1)
        while remaining > 0:
            chunk = os.read(descriptor, wanted)
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < wanted:
                break  # a short read of a regular file: the end (saves one more read call)
            wanted = min(remaining, 64 * 1024)
    except OSError as error:
        return ReadResult(None, [_unreadable(name, error)])
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return ReadResult(None, [too_large_finding(len(data), max_bytes)])
    return ReadResult(data, [], stat.S_IMODE(opened.st_mode))


def _stat_error(path: PathArg, name: str, error: OSError) -> Finding:
    if error.errno == errno.ENOENT:
        if os.path.lexists(path):
            return finding(
                "unreadable",
                f"{name} is a link to a file that does not exist.",
                "Point the link at the certificate file, or give the file itself.",
            )
        return finding(
            "not_found",
            f"{name} does not exist.",
            "Check the spelling and the folder; tab completion in the shell helps.",
        )
    return _unreadable(name, error)


def _unreadable(name: str, error: OSError) -> Finding:
    if error.errno == errno.ELOOP:
        return finding(
            "unreadable",
            f"{name} is a symbolic link that loops back on itself.",
            "Fix or remove the link and give the certificate file itself.",
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return finding(
            "unreadable",
            f"{name} cannot be read: permission denied.",
            "Ask the file's owner for read access, or copy the certificate somewhere you can read.",
        )
    reason = error.strerror or str(error)
    return finding(
        "unreadable", f"{name} cannot be read: {reason}.", "Check the file and try again."
    )


def _not_regular(mode: int, name: str) -> Finding | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return finding(
            "not_a_file",
            f"{name} is a folder, not a file.",
            "Give a certificate file; `sevis-tui inspect FOLDER` checks every certificate in a "
            "folder (add --recursive for subfolders).",
        )
    kind = next((label for test, label in _KINDS if test(mode)), "not a regular file")
    return finding(
        "not_a_file",
        f"{name} is {kind}, not a file; it was not opened.",
        "Give the certificate file itself (.cer, .pem, .crt, .der, .p7b or .p12).",
    )


def _exposed(name: str, mode: int) -> Finding:
    """A secret's file that others may read (mode & 0o077): not read at all."""
    return finding(
        "unreadable",
        f"other users can read {name} (mode {mode:04o}), so it was not read.",
        f"Make it private first: chmod 600 {shlex.quote(name)}",
    )


def too_large_finding(size: int, max_bytes: int) -> Finding:
    """The finding for a file (or uploaded bytes) over the size cap; shared with the engine."""
    return finding(
        "too_large",
        f"The file is {formats.size(size)}, larger than the {formats.size(max_bytes)} limit; "
        "certificate files are a few kilobytes.",
        "Choose the certificate file itself. If it really is one, raise "
        "certificates.max_file_bytes in your config.",
    )

"""Where the request, the PKCS#12 and the extracted certificate are written, and how. No Textual.

Shared by the commands and the screens. Every file is written atomically (`files.write_atomic`):
whole or not at all. Private files (the key, the .p12) get mode 0600 from their first byte. A file
that exists is never replaced unless the caller says so (`overwrite`), which the command line
asks for with --force and the screens with a second confirmation; the check is made when the
file is put in place, so a file that appeared meanwhile is not replaced either.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from sevis_tui.storage.atomic import write_atomic

PRIVATE = 0o600
PUBLIC = 0o644


@dataclass(frozen=True)
class RequestFiles:
    key: Path  # the encrypted private key (PEM, PKCS#8)
    csr: Path  # the certificate signing request (PEM)

    @property
    def all(self) -> tuple[Path, Path]:
        return (self.key, self.csr)


def request_files(folder: Path, user_id: str) -> RequestFiles:
    """The files a request writes, named after the SEVIS user ID (jsmith6544.key, .csr)."""
    return RequestFiles(folder / f"{user_id}.key", folder / f"{user_id}.csr")


def p12_file(certificate: Path) -> Path:
    """Where make-p12 writes by default: beside the certificate, with its name (jsmith6544.p12)."""
    return certificate.with_suffix(".p12")


def extracted_files(folder: Path, p12: Path) -> tuple[Path, Path]:
    """The certificate taken out of a .p12: STEM.pem (text) and STEM.cer (binary, DER)."""
    return folder / f"{p12.stem}.pem", folder / f"{p12.stem}.cer"


def likely_file(folder: Path, names: list[str], endings: tuple[str, ...]) -> Path:
    """The first of `names` that exists in folder, else its newest file with one of `endings`."""
    for name in names:
        if (folder / name).is_file():
            return folder / name
    try:
        found = [p for p in folder.iterdir() if p.suffix.lower() in endings and p.is_file()]
    except OSError:
        found = []
    if found:
        return max(found, key=lambda p: (p.stat().st_mtime, p.name))
    return folder / names[0]


def existing(paths: tuple[Path, ...]) -> list[Path]:
    return [path for path in paths if path.exists() or path.is_symlink()]


def folder_problem(folder: Path) -> str:
    """Why files cannot be written into folder ("" when they can, as far as can be told)."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"{probe} is not a folder: choose a folder to write into."
    if os.access(probe, os.W_OK | os.X_OK):
        return ""
    if probe == folder:
        return f"The folder {folder} is not writable by you: choose a folder you can write to."
    return (
        f"The folder {folder} cannot be made: {probe} is not writable by you. Choose a "
        "folder you can write to."
    )


def write_error(error: OSError) -> str:
    """An OSError from the writers here, as one line that says what to do."""
    path = error.filename
    if isinstance(error, FileExistsError):
        return f"{path} already exists (it appeared meanwhile); nothing was replaced."
    reason = error.strerror or str(error)
    return f"Cannot write {path}: {reason}. Choose a folder you can write to; nothing was kept."


def _write(path: Path, data: bytes, mode: int, overwrite: bool) -> None:
    """write_atomic, with any failure naming the file meant (not its temporary twin)."""
    try:
        write_atomic(path, data, mode, overwrite=overwrite)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None


def write_request(files: RequestFiles, key_pem: bytes, csr_pem: bytes, *, overwrite: bool) -> None:
    """The CSR, then the key: both or neither (a new CSR is removed if the key cannot be written).

    The request goes first because it is the one that can be lost: a replaced key could not be
    given back.
    """
    csr_was_there = files.csr.exists()
    _write(files.csr, csr_pem, PUBLIC, overwrite)
    try:
        _write(files.key, key_pem, PRIVATE, overwrite)
    except BaseException:
        if not csr_was_there:
            with contextlib.suppress(OSError):
                files.csr.unlink()
        raise


def write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    _write(path, data, PRIVATE, overwrite)


def write_certificate_pair(
    pem_path: Path, cer_path: Path, pem: bytes, der: bytes, *, overwrite: bool
) -> None:
    """Both forms of the certificate, or neither (a new .pem is removed if the .cer fails)."""
    pem_was_there = pem_path.exists()
    _write(pem_path, pem, PUBLIC, overwrite)
    try:
        _write(cer_path, der, PUBLIC, overwrite)
    except BaseException:
        if not pem_was_there:
            with contextlib.suppress(OSError):
                pem_path.unlink()
        raise


class UnreadableInput(Exception):
    """A key, certificate or .p12 file given as input that cannot be read; fit to show."""


def read_input(path: Path, what: str, max_bytes: int) -> bytes:
    """The file's bytes, read safely (never blocking on a FIFO, never beyond max_bytes)."""
    from sevis_tui.cert.reading import read_path

    read = read_path(path, max_bytes)
    if read.data is None:
        problem = read.findings[0]
        raise UnreadableInput(f"The {what} file: {problem.message} {problem.remedy}".strip())
    return read.data

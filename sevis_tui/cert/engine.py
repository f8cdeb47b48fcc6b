"""The engine's entry points: inspect bytes or a path and return one `FileReport`.

Both never raise on bad input: everything wrong with a file becomes a finding. The service
calls `inspect_bytes` on uploads; the app and `sevis-tui inspect` call `inspect_path`.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import stat
from collections.abc import Callable, Iterator

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12

from sevis_tui.cert.describe import Described, describe
from sevis_tui.cert.findings import SEVERITIES, Finding, finding
from sevis_tui.cert.judge import choose_subject, judge
from sevis_tui.cert.loading import load, looks_like_certificate_file
from sevis_tui.cert.model import FileReport, Password, Policy
from sevis_tui.cert.reading import (
    PathArg,
    ReadResult,
    display_name,
    read_path,
    too_large_finding,
)

# Says what the key means and how to keep it, not "never upload this file": sevis-tui uploads
# only the certificates from such a file (FileReport.certificates_only), so the same report can
# say "ready to upload" without contradicting itself.
_PRIVATE_KEY_WARNING = (
    "This file also holds a private key: whoever has it can act as you in SEVIS batch. Never "
    "e-mail this file or give it to anyone; keep it only with the batch client."
)
_KEY_UNREADABLE = finding(
    "key_unreadable",
    "The key file given holds no private key that can be read (or it needs a password).",
    "Give the PEM key or the .p12 file of this certificate; add --password-file if it is "
    "protected.",
)


@dataclasses.dataclass(frozen=True)
class KeyFile:
    """A private key file given with --key, read and parsed once for a whole run.

    readable False: the file itself could not be read, so there is no key to compare (and
    no key_unreadable finding: `findings` says what is wrong with the file). readable True
    and key None: the file holds no key that can be read.
    """

    readable: bool
    key: PrivateKeyTypes | None = None
    findings: tuple[Finding, ...] = ()  # about the key file itself, added to every report


def read_key_file(path: PathArg, policy: Policy, password: bytes | None = None) -> KeyFile:
    """Read and parse the key file once; pass the result to inspect_path or scan_file."""
    read = read_path(path, policy.max_bytes)
    if read.data is None:
        return KeyFile(False, findings=tuple(_key_file_problem(f) for f in read.findings))
    exposed = (_exposed(display_name(path), read.mode),) if read.mode & 0o077 else ()
    return KeyFile(True, load_key(read.data, password), exposed)


def inspect_bytes(
    data: bytes,
    policy: Policy,
    *,
    name: str = "",
    key: bytes | None = None,
    password: bytes | None = None,
) -> FileReport:
    """Describe and judge every certificate in data (an uploaded or read file)."""
    given = None if key is None else KeyFile(True, load_key(key, password))
    return _inspect_guarded(data, policy, name, given, password)


def _inspect_guarded(
    data: bytes, policy: Policy, name: str, key: KeyFile | None, password: Password | None
) -> FileReport:
    try:
        return _inspect(data, policy, name, key, password)
    except Exception:  # last resort: a parser bug must not become a crash (nor a class name)
        return FileReport(
            name,
            "unknown",
            findings=(
                finding(
                    "damaged_certificate",
                    "The file could not be examined: part of it is malformed in a way the "
                    "checks cannot read, so it cannot be accepted.",
                    "Get a fresh copy of the certificate from your provider.",
                ),
            ),
        )


def _inspect(
    data: bytes, policy: Policy, name: str, key: KeyFile | None, password: Password | None
) -> FileReport:
    unreadable = _refused_unread(data, policy, name)
    if unreadable is not None:
        return unreadable
    loaded = load(data, password=password)
    now = policy.current_time().replace(microsecond=0)  # certificates count whole seconds
    described: list[Described] = [
        describe(certificate, der, now, number)
        for number, (certificate, der) in enumerate(loaded.certificates, start=1)
    ]
    findings: list[Finding] = list(loaded.findings)
    for item in described:
        findings += item.findings
    keys = list(loaded.private_keys)
    if key is not None and key.readable:
        if key.key is None:
            findings.append(_KEY_UNREADABLE)
        else:
            keys = [key.key]
    subject_index = choose_subject(described, loaded.key_certificate)
    if subject_index is not None:
        findings += judge(described, subject_index, policy, now, keys)
    if loaded.has_private_key:
        findings.append(
            finding(
                "private_key_in_file",
                _PRIVATE_KEY_WARNING,
                "Keep this file private. Where only the certificate is needed, give a copy "
                "exported without the key (.cer or .pem).",
            )
        )
    subject = described[subject_index] if subject_index is not None else None
    return FileReport(
        name=name,
        format=loaded.format,
        certificates=tuple(item.info for item in described),
        findings=_ordered(findings),
        subject=subject.info if subject else None,
        subject_der=subject.facts.der if subject else None,
        has_private_key=loaded.has_private_key,
        certificate_ders=tuple([item.facts.der for item in described]),
    )


def _refused_unread(data: bytes, policy: Policy, name: str) -> FileReport | None:
    """The report of a file refused before it is parsed: empty, or over the size limit."""
    if not data:
        return FileReport(
            name,
            "unknown",
            findings=(
                finding(
                    "empty_file",
                    "The file is empty.",
                    "Choose the certificate file itself; this one has no content.",
                ),
            ),
        )
    if len(data) > policy.max_bytes:
        return FileReport(
            name, "unknown", findings=(too_large_finding(len(data), policy.max_bytes),)
        )
    return None


def _ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    """Errors first, then warnings, then information; the engine's order within each."""
    return tuple(sorted(findings, key=lambda f: SEVERITIES.index(f.severity)))


def load_key(data: bytes, password: bytes | None) -> PrivateKeyTypes | None:
    """A private key from PEM, DER or PKCS#12 bytes, or None when there is none to read."""
    loaders: tuple[Callable[[], PrivateKeyTypes | None], ...] = (
        lambda: serialization.load_pem_private_key(
            data, password, unsafe_skip_rsa_key_validation=True
        ),
        lambda: serialization.load_der_private_key(
            data, password, unsafe_skip_rsa_key_validation=True
        ),
        lambda: pkcs12.load_pkcs12(data, password).key,
    )
    for loader in loaders:
        try:
            key = loader()
        except Exception:  # wrong format or wrong password: try the next form
            continue
        if key is not None:
            return key
    return None


def inspect_path(
    path: PathArg,
    policy: Policy,
    *,
    key: KeyFile | None = None,
    password: Password | None = None,
) -> FileReport:
    """Read a file safely (see `reading`) and inspect it; special files become findings.

    key is the --key file as `read_key_file` gives it, read and parsed once per run.
    """
    read = read_path(path, policy.max_bytes)
    return _report_from_read(path, read, policy, key, password)


def _report_from_read(
    path: PathArg,
    read: ReadResult,
    policy: Policy,
    key: KeyFile | None,
    password: Password | None,
) -> FileReport:
    name = display_name(path)
    if read.data is None:
        return FileReport(name, "unknown", findings=_ordered(read.findings))
    extra = list(key.findings) if key is not None else []
    report = _inspect_guarded(read.data, policy, name, key, password)
    if report.has_private_key and read.mode & 0o077:
        extra.append(_exposed(name, read.mode))
    if not extra:
        return report
    return dataclasses.replace(report, findings=_ordered([*report.findings, *extra]))


def _key_file_problem(problem: Finding) -> Finding:
    return finding("key_unreadable", f"Key file: {problem.message}", problem.remedy)


def _exposed(name: str, mode: int) -> Finding:
    return finding(
        "private_key_exposed",
        f"{name} holds a private key and other users on this computer can read it "
        f"(permissions {stat.filemode(stat.S_IFREG | mode)[1:]}).",
        f"Make it private: chmod 600 {shlex.quote(name)}",
    )


def scan_file(
    path: PathArg,
    policy: Policy,
    *,
    key: KeyFile | None = None,
    password: Password | None = None,
) -> FileReport | None:
    """Like inspect_path for files met while walking a folder: None when not certificate-like.

    Special files, unreadable files and files over the cap are passed over silently (the
    folder may hold anything); a file is inspected only when its content looks like one.
    """
    read = read_path(path, policy.max_bytes)
    if read.data is None or not looks_like_certificate_file(read.data):
        return None
    return _report_from_read(path, read, policy, key, password)


def walk(folder: PathArg, recursive: bool) -> Iterator[bytes]:
    """Regular files under folder in name order, without following links to folders."""
    root = os.fsencode(os.fspath(folder))
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    yield from walk(entry.path, recursive)
            elif entry.is_file():
                yield entry.path
        except OSError:
            continue

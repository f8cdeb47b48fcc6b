"""Hand a private key to Python's `ssl` without its unencrypted form ever touching a disk.

`ssl.SSLContext.load_cert_chain` reads keys only from files. So the key is written, encrypted
under a one-time random passphrase (PKCS#8, the best encryption `cryptography` offers), together
with its certificate chain, into a memory-only file (`os.memfd_create`) where the platform has
one, else into a private temporary file (mode 0600) that is deleted as soon as `ssl` has read
it. The passphrase lives only in this process's memory for that moment.

    load_identity(context, key, [certificate, *chain])
"""

from __future__ import annotations

import contextlib
import os
import secrets
import ssl
import tempfile
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert.factory import PrivateKey


def load_identity(
    context: ssl.SSLContext, key: PrivateKey, certificates: Sequence[x509.Certificate]
) -> None:
    """Load `key` and `certificates` (its own first, then the chain) into `context`.

    Raises ssl.SSLError when they do not belong together (KEY_VALUES_MISMATCH).
    """
    passphrase = secrets.token_urlsafe(32).encode("ascii")
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)
    with _private_file(chain + encrypted) as path:
        context.load_cert_chain(path, password=passphrase)


@contextlib.contextmanager
def _private_file(data: bytes) -> Iterator[str]:
    """A path to `data` that exists only inside the block."""
    if hasattr(os, "memfd_create"):
        try:
            fd = os.memfd_create("sevis-tui-identity", os.MFD_CLOEXEC)
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                os.write(fd, data)
                yield f"/proc/self/fd/{fd}"
            finally:
                os.close(fd)
            return
    # No memory-only files here: a private temporary file, removed once read.
    handle, path = tempfile.mkstemp(prefix="sevis-tui-", suffix=".pem")
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, data)
        os.close(handle)
        handle = -1
        yield path
    finally:
        if handle >= 0:
            os.close(handle)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

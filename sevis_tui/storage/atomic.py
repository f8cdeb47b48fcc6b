"""Writing a file whole or not at all, with its mode set before anyone can read it. No Textual."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def write_atomic(
    path: Path, data: bytes, mode: int, *, folder_mode: int = 0o700, overwrite: bool = True
) -> None:
    """Write data to a temp file beside path, fsync, then rename it over path.

    The temp file gets `mode` before any byte is written, so a private file (a key, the
    state) is never readable by others, not even briefly under a loose umask; a failure
    never leaves half a file behind. Missing folders are made with folder_mode.
    overwrite=False raises FileExistsError when path exists, also when it appeared meanwhile
    (the file is put in place with a hard link, which never replaces anything).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=folder_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            _put_new(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _put_new(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path)
    except OSError as error:
        if error.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (a narrow race, but no worse).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)

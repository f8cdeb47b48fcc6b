"""Writing a file whole or not at all, with its mode set before anyone can read it. No Textual."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int, *, folder_mode: int = 0o700) -> None:
    """Write data to a temp file beside path, fsync, then rename it over path.

    The temp file gets `mode` before any byte is written, so a private file (a key, the
    state) is never readable by others, not even briefly under a loose umask; a failure
    never leaves half a file behind. Missing folders are made with folder_mode.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=folder_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise

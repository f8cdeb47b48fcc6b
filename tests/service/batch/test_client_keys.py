"""The batch client never writes an unencrypted private key to a file, and reads PKCS#12 well."""

from __future__ import annotations

import os
import ssl
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from sevis_tui.api.batch_client import BatchError, read_pkcs12
from sevis_tui.api.batch_verdict import from_error
from sevis_tui.cert import factory

from .conftest import PROGRAM, USER, Listener

UNENCRYPTED = (b"BEGIN PRIVATE KEY", b"BEGIN RSA PRIVATE KEY", b"BEGIN EC PRIVATE KEY")
WRITTEN: list[str] = []
WATCHING: list[bool] = []


def _watch(event: str, args: tuple[Any, ...]) -> None:
    # Every file opened for writing while a test watches (open() and os.open()).
    if WATCHING and event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
        )
        if writing and isinstance(path, str | bytes):
            WRITTEN.append(os.fsdecode(path))


sys.addaudithook(_watch)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes, int]]:
    """What ssl was handed: (path, contents, mode) of each file load_cert_chain read, and of
    every file opened for writing until then."""
    seen: list[tuple[str, bytes, int]] = []
    original = ssl.SSLContext.load_cert_chain

    def spy(self: ssl.SSLContext, certfile: Any, keyfile: Any = None, password: Any = None) -> None:
        for path in {os.fsdecode(certfile), *WRITTEN}:
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    seen.append((path, handle.read(), stat.S_IMODE(os.stat(path).st_mode)))
        original(self, certfile, keyfile, password)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", spy)
    WRITTEN.clear()
    WATCHING.append(True)
    yield seen
    WATCHING.clear()


@pytest.mark.parametrize("memory_files", [True, False], ids=["memfd", "temporary-file"])
async def test_no_file_written_during_a_check_holds_an_unencrypted_key(
    listener: Listener,
    registered: factory.Issued,
    watched: list[tuple[str, bytes, int]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    memory_files: bool,
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    if not memory_files:
        monkeypatch.delattr(os, "memfd_create")
    p12 = factory.pkcs12(registered, b"secret")
    identity = read_pkcs12(p12, bytearray(b"secret"))
    from sevis_tui.api.batch_client import BatchClient

    async with BatchClient(listener.url, identity, ca_pem=listener.ca_pem) as client:
        assert (await client.check(PROGRAM, USER)).accepted
    handed = [item for item in watched if b"PRIVATE KEY" in item[1]]
    assert handed, "ssl was never handed the key"
    for path, contents, _mode in watched:
        assert not any(marker in contents for marker in UNENCRYPTED), path
    for path, contents, mode in handed:
        assert b"BEGIN ENCRYPTED PRIVATE KEY" in contents
        if memory_files:
            assert path.startswith("/proc/self/fd/")
        else:
            assert mode == 0o600
            assert not os.path.exists(path), "the key file was not deleted"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_wrong_password_and_a_file_that_is_no_pkcs12(registered: factory.Issued) -> None:
    p12 = factory.pkcs12(registered, b"secret")
    for data, password in ((p12, b"Secret"), (p12, None), (b"not a p12", b"secret")):
        with pytest.raises(BatchError) as failed:
            read_pkcs12(data, password, "me.p12")
        assert failed.value.code == "wrong_password"
        assert "me.p12" in failed.value.message and failed.value.remedy


def test_a_key_that_does_not_match_its_certificate(registered: factory.Issued, certs: Any) -> None:
    # cryptography will not write such a PKCS#12 (other tools do): check the pair itself.
    from sevis_tui.api.batch_client import identity_from

    with pytest.raises(BatchError) as failed:
        identity_from(factory.new_key("ec"), registered.certificate, (), "mixed.p12")
    assert failed.value.code == "key_mismatch"
    verdict = from_error(failed.value)
    assert (verdict.kind, verdict.accepted) == ("key_mismatch", False)
    assert "do not match" in verdict.headline

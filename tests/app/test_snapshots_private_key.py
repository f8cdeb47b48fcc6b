"""Files that hold a private key, pictured at 80x24: the p12 password dialog, and the upload
question that says only the certificate is sent."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from sevis_tui.cert import factory
from sevis_tui.settings.config import Settings

from .snapshot_support import FILE_TIME, fixed_certificate_folder, fixed_policy_app
from .test_snapshots import UPLOAD, SnapCompare, walk


@pytest.fixture
def key_settings(plain_settings: Settings, home: Path) -> Settings:
    """The fixed snapshot files plus a PEM with its key and a password-protected .p12."""
    # In this test's own home folder, shown as ~/certs (as in test_snapshots.py).
    folder = fixed_certificate_folder(home / "home" / "certs")
    good = (folder / "jsmith6544.pem").read_bytes()
    # The key fixed_certificate_folder gave the good certificate (derived from a fixed number).
    holder = factory.Issued(
        x509.load_pem_x509_certificate(good), ec.derive_private_key(0x5E715, ec.SECP256R1())
    )
    (folder / "with-private-key.pem").write_bytes(good + factory.key_pem(holder.key))
    (folder / "jsmith6544.p12").write_bytes(factory.pkcs12(holder, b"demo"))
    for name in ("with-private-key.pem", "jsmith6544.p12"):
        (folder / name).chmod(0o600)  # as a key file should be: no private_key_exposed
    for path in folder.iterdir():
        os.utime(path, (FILE_TIME, FILE_TIME))
    return msgspec.structs.replace(
        plain_settings,
        browser=msgspec.structs.replace(plain_settings.browser, start_folder=str(folder)),
    )


def test_p12_password_dialog(snap_compare: SnapCompare, key_settings: Settings, home: Path) -> None:
    app = fixed_policy_app(key_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"smith6544.p12", "enter"))


def test_upload_question_for_a_file_with_a_key(
    snap_compare: SnapCompare, key_settings: Settings, home: Path
) -> None:
    app = fixed_policy_app(key_settings, home)
    assert snap_compare(app, run_before=walk(*UPLOAD, *"with", "enter", "u"))

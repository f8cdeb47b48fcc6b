"""`sevis-tui demo-certs [--once] DIR`: write sample certificate files, good and bad.

The good ones are issued by the demo issuer (kept in the data folder and accepted by the
embedded demo service), so they register; each bad one shows one finding.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sevis_tui.commands import CommandError
from sevis_tui.config import Settings

P12_PASSWORD = "demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="folder to write the files into")
    parser.add_argument(
        "--once", action="store_true", help="do nothing if DIR already holds the sample files"
    )


def sample_names(user_id: str) -> dict[str, str]:
    """File name -> what it demonstrates."""
    return {
        f"{user_id}.cer": "good: the certificate alone, DER (binary) - registers",
        f"{user_id}.pem": "good: the same certificate as PEM text - registers",
        "expired.pem": "bad: its validity ended (expired)",
        "unaccepted-issuer.pem": "bad: issued by a CA that is not an accepted issuer",
        "self-signed.pem": "bad: signed by its own key, not by a CA",
        "ca-certificate.pem": "bad: a CA's certificate, not a personal one",
        "weak-1024-bit-key.pem": "bad: RSA 1024-bit key (2048 is the minimum)",
        "with-private-key.pem": "warning: certificate plus its private key (never upload a key)",
        f"{user_id}.p12": f"PKCS#12 with key and certificate, password '{P12_PASSWORD}'",
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    from sevis_tui.service.demo import DEMO_USER_ID

    target = Path(args.directory).expanduser()
    names = sample_names(DEMO_USER_ID)
    if args.once and all((target / name).is_file() for name in names) and _still_valid(target):
        return 0
    try:
        written = write_samples(target, DEMO_USER_ID)
    except OSError as error:
        raise CommandError(
            f"cannot write the demo certificates to {target}: "
            f"{error.strerror or error}; choose a writable folder"
        ) from None
    print(f"wrote {len(written)} sample files to {target} (see README.txt there)")
    return 0


def _still_valid(target: Path) -> bool:
    """True when the good sample was issued by the current demo issuer (it may be recreated)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    from sevis_tui.service.demo import DEMO_USER_ID, ensure_demo_issuer

    try:
        good = x509.load_pem_x509_certificate((target / f"{DEMO_USER_ID}.pem").read_bytes())
        good.verify_directly_issued_by(ensure_demo_issuer().certificate)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def write_samples(target: Path, user_id: str) -> list[Path]:
    import datetime as dt

    from sevis_tui.cert import factory
    from sevis_tui.files import write_atomic
    from sevis_tui.service.demo import ensure_demo_issuer

    issuer = ensure_demo_issuer()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    email = f"{user_id[:6]}@northfield.example.edu"
    good = factory.make_personal(issuer, user_id=user_id, email=email)
    expired = factory.make_personal(
        issuer,
        user_id=user_id,
        email=email,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=35),
    )
    stranger = factory.make_ca("Unlisted Test CA", organization="Nobody Trusts Us Inc.")
    unaccepted = factory.make_personal(stranger, user_id=user_id, email=email)
    self_signed = factory.make_personal(issuer, user_id=user_id, email=email, self_signed=True)
    weak = factory.make_personal(issuer, user_id=user_id, email=email, key_size=1024)
    with_key = factory.pem(good.certificate) + factory.key_pem(good.key)
    contents: dict[str, bytes] = {
        f"{user_id}.cer": factory.der(good.certificate),
        f"{user_id}.pem": factory.pem(good.certificate),
        "expired.pem": factory.pem(expired.certificate),
        "unaccepted-issuer.pem": factory.pem(unaccepted.certificate),
        "self-signed.pem": factory.pem(self_signed.certificate),
        "ca-certificate.pem": factory.pem(issuer.certificate),
        "weak-1024-bit-key.pem": factory.pem(weak.certificate),
        "with-private-key.pem": with_key,
        f"{user_id}.p12": factory.pkcs12(good, P12_PASSWORD.encode(), chain=[issuer.certificate]),
    }
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in contents.items():
        path = target / name
        # Files holding a private key are private to their owner from the first byte on.
        private = name.endswith(".p12") or "private-key" in name
        write_atomic(path, data, 0o600 if private else 0o644)
        written.append(path)
    readme = target / "README.txt"
    lines = [
        "Sample certificate files written by `sevis-tui demo-certs` for the demo service.",
        "They are issued by the demo issuer in the sevis-tui data folder; none is real.",
        "",
        *(f"{name:<24} {meaning}" for name, meaning in sample_names(user_id).items()),
    ]
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written

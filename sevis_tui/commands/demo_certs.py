"""`sevis-tui demo-certs [--once] DIR`: write sample certificate and batch files, good and bad.

The good certificates are issued by the demo issuer (kept in the data folder and accepted by the
embedded demo service), so they register; each bad one shows one finding. The batch files
(sevis_batch/sample.py) are for the demo user and program: one whose records all pass, one with
a record that breaks a simulated SEVIS rule, one that fails the schema offline.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sevis_tui.commands import CommandError
from sevis_tui.settings.config import Settings

P12_PASSWORD = "demo"
DEMO_PROGRAM = "P-1-00001"  # Jordan Smith, the demo user, is its RO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="folder to write the files into")
    parser.add_argument(
        "--once",
        action="store_true",
        help="write only the sample files DIR does not hold yet (or that the demo issuer no "
        "longer matches)",
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


def batch_names(program: str) -> dict[str, str]:
    """Batch file name -> what it demonstrates (Send a Batch File, `batch validate`)."""
    return {
        f"batch-{program}-good.xml": "batch: 3 CreateEV records that all pass",
        f"batch-{program}-one-fails.xml": (
            "batch: 4 CreateEV records; demo-3 ends before it starts (S1001)"
        ),
        f"batch-{program}-not-valid.xml": (
            "batch: fails the schema (a birth date that is no date)"
        ),
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    from sevis_tui.service.demo import DEMO_USER_ID

    target = Path(args.directory).expanduser()
    certificates = args.once and _present(target, sample_names(DEMO_USER_ID))
    certificates = certificates and _still_valid(target)
    batches = args.once and _present(target, batch_names(DEMO_PROGRAM))
    if certificates and batches:
        return 0
    try:
        written = [] if certificates else write_samples(target, DEMO_USER_ID)
        # A batch ID is used once: the batch files are written anew (new batch IDs) when missing.
        written += [] if batches else write_batches(target, DEMO_PROGRAM, DEMO_USER_ID)
        write_readme(target, DEMO_USER_ID)
    except OSError as error:
        raise CommandError(
            f"cannot write the demo certificates to {target}: "
            f"{error.strerror or error}; choose a writable folder"
        ) from None
    print(f"wrote {len(written)} sample files to {target} (see README.txt there)")
    return 0


def _present(target: Path, names: dict[str, str]) -> bool:
    return all((target / name).is_file() for name in names)


def _still_valid(target: Path) -> bool:
    """True when the good sample was issued by the current demo issuer (it may be recreated)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    from sevis_tui.service.demo import DEMO_USER_ID
    from sevis_tui.wiring.local_service import ensure_demo_issuer

    try:
        good = x509.load_pem_x509_certificate((target / f"{DEMO_USER_ID}.pem").read_bytes())
        good.verify_directly_issued_by(ensure_demo_issuer().certificate)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    return True


def write_samples(target: Path, user_id: str) -> list[Path]:
    import datetime as dt

    from sevis_tui.cert import factory
    from sevis_tui.storage.atomic import write_atomic
    from sevis_tui.wiring.local_service import ensure_demo_issuer

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
    return written


def write_batches(target: Path, program: str, user_id: str) -> list[Path]:
    """The batch files of `batch_names`, each with a new batch ID (a batch ID is used once)."""
    import datetime as dt

    from sevis_tui.api.batch_client import new_batch_id
    from sevis_tui.sevis_batch.sample import batch_file, create
    from sevis_tui.storage.atomic import write_atomic

    people = [("Garcia", "Ana"), ("Okafor", "Chidi"), ("Nguyen", "Linh"), ("Schmidt", "Jonas")]
    records = [
        create(f"demo-{n}", user_id, last_name=last, first_name=first)
        for n, (last, first) in enumerate(people, start=1)
    ]
    # S1001 at the door: the program ends before it starts (the schema cannot tell).
    ends_first = create(
        "demo-3",
        user_id,
        last_name="Nguyen",
        first_name="Linh",
        start="2027-06-30",
        end="2027-01-10",
    )
    no_date = create("demo-1", user_id, birth_date="1962-13-01")  # no 13th month
    contents = {
        "good": records[:3],
        "one-fails": [*records[:2], ends_first, records[3]],
        "not-valid": [no_date, records[1]],
    }
    now = dt.datetime.now(dt.UTC)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, creates in contents.items():
        path = target / f"batch-{program}-{name}.xml"
        write_atomic(path, batch_file(new_batch_id(now), program, user_id, creates), 0o644)
        written.append(path)
    return written


def write_readme(target: Path, user_id: str) -> None:
    lines = [
        "Sample files written by `sevis-tui demo-certs` for the demo service; none is real.",
        "The certificates are issued by the demo issuer in the sevis-tui data folder.",
        f"The batch files are for {user_id} and {DEMO_PROGRAM}: send them with Send a Batch File",
        "(Program Sponsor Information, Actions) or check them with `sevis-tui batch validate`.",
        "A batch ID is used once: delete the batch-*.xml files and run",
        "`sevis-tui demo-certs --once` on this folder to write them with new batch IDs.",
        "",
        *(f"{name:<30} {meaning}" for name, meaning in sample_names(user_id).items()),
        *(f"{name:<30} {meaning}" for name, meaning in batch_names(DEMO_PROGRAM).items()),
    ]
    (target / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

"""`sevis-tui request-certificate`: a new private key and the CSR to send to a vendor.

The engine is imported inside `run`, so `sevis-tui --help` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sevis_tui.commands import CommandError, add_secret_file_option, check_destination
from sevis_tui.settings.config import Settings

if TYPE_CHECKING:
    from cryptography import x509

    from sevis_tui.cert.request import RequestDetails
    from sevis_tui.storage.certificate_files import RequestFiles

EPILOG = """\
Writes two files into --out-dir (default: the current folder), named after the user ID:
  USER_ID.key  the private key, PKCS#8 PEM encrypted with AES-256 (mode 600): keep it
  USER_ID.csr  the certificate signing request (PEM): paste it into the vendor's form

The passphrase is read from --passphrase-file (its first line; the file must be mode 600) or
typed twice at a masked prompt; at least 12 characters. It is never stored.

A file that exists is not replaced unless --force is given: replacing a key loses the
certificate it belongs to.

Exit status: 0 written, 2 a usage problem (a missing or bad detail, a short passphrase, a file
that exists, a folder that is not writable): nothing is written then.
"""

FIELDS = (
    ("name", "--name", "Your full name"),
    ("email", "--email", "Your e-mail address"),
    ("organization", "--organization", "Organization"),
    ("user_id", "--user-id", "Your SEVIS user ID"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sevis_tui.cert.request import DEFAULT_KEY, KEY_CHOICES

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--name", help="your full name, as the vendor will check it")
    parser.add_argument("--email", help="your e-mail address (the vendor writes to it)")
    parser.add_argument("--organization", help="your organization (the program sponsor)")
    parser.add_argument("--user-id", help="your SEVIS user ID (names the files)")
    parser.add_argument(
        "--key-type",
        choices=list(KEY_CHOICES),
        default=DEFAULT_KEY,
        help=f"the key to make (default {DEFAULT_KEY})",
    )
    parser.add_argument(
        "--out-dir", metavar="DIR", default=".", help="folder to write into (default: here)"
    )
    add_secret_file_option(parser, "--passphrase-file", "the new key's passphrase")
    parser.add_argument("--force", action="store_true", help="replace files that exist")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sevis_tui.cert.request import (
        build_csr,
        csr_pem,
        encrypted_key_pem,
        new_private_key,
    )
    from sevis_tui.commands.secrets import new_passphrase
    from sevis_tui.storage.certificate_files import request_files, write_error, write_request

    details = _details(args)
    folder = Path(args.out_dir).expanduser()
    files = request_files(folder, details.user_id.strip())
    check_destination(
        files.all,
        folder,
        force=args.force,
        instead=(
            "Choose another --out-dir, or give --force to replace (a replaced key is lost, "
            "with the certificate it belongs to)"
        ),
    )
    passphrase = new_passphrase(args.passphrase_file, "private key")
    key = new_private_key(args.key_type)
    csr = build_csr(key, details)
    try:
        write_request(files, encrypted_key_pem(key, passphrase), csr_pem(csr), overwrite=args.force)
    except OSError as error:
        raise CommandError(write_error(error)) from None
    _next_steps(files, csr, settings)
    return 0


def _details(args: argparse.Namespace) -> RequestDetails:
    """The request's subject from the options, checked; each problem named."""
    from sevis_tui.cert.request import RequestDetails, check_details

    details = RequestDetails(
        **{field: _detail(args, field, option, label) for field, option, label in FIELDS}
    )
    problems = check_details(details)
    if problems:
        raise CommandError("; ".join(p.message for p in problems))
    return details


def _next_steps(
    files: RequestFiles, csr: x509.CertificateSigningRequest, settings: Settings
) -> None:
    """What was written, the request's summary, and what to do with it at a vendor."""
    from sevis_tui.cert.request import next_steps, summarize
    from sevis_tui.cert.trust import vendor_list
    from sevis_tui.commands.secrets import display
    from sevis_tui.settings.policy import demo_issuers, load_policy

    summary = summarize(csr)
    vendors = vendor_list(
        load_policy(settings, extra_issuers=demo_issuers(settings)).accepted_issuers
    )
    out = sys.stdout
    out.write(f"Wrote the private key  {display(files.key)}  (encrypted with AES-256, mode 600)\n")
    out.write(f"Wrote the request      {display(files.csr)}\n\n")
    out.write(f"  Subject  {summary.subject}\n  Key      {summary.key}\n")
    out.write(f"  SHA-256  {summary.sha256}\n\nWhat to do next:\n")
    for number, step in enumerate(
        next_steps(display(files.csr), display(files.key), vendors), start=1
    ):
        out.write(f"  {number}. {step}\n")


def _detail(args: argparse.Namespace, field: str, option: str, label: str) -> str:
    value: str | None = getattr(args, field)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CommandError(f"{option} is missing (no terminal to ask on); see -h")
    return input(f"{label}: ")

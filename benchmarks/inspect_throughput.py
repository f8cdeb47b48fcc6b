"""Throughput of the certificate engine against bare cryptography and `openssl x509`.

Generates N certificate files (default 10,000: PEM and DER, with and without chains, PKCS#7,
expired, foreign issuer, garbage and truncated files) into a temporary folder, then times:

  (a) a bare loop: read each file, load it with cryptography, read the fields: the practical limit
  (b) the engine in-process: sevis_tui.cert.scan_file on each file
  (c) `sevis-tui inspect --json DIR` as a separate process (start-up included)
  (d) `openssl x509 -noout -text` per file on a 200-file sample, scaled to N

Targets: (b) within 2x of (a); (c) under 5 s for 10,000 files on a 2-core machine.
Usage: .venv/bin/python benchmarks/inspect_throughput.py [--files N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs7 as pkcs7_loader

from sevis_tui.cert import Policy, scan_file, walk
from sevis_tui.cert.factory import (
    Issued,
    der,
    make_ca,
    make_personal,
    new_key,
    pem,
    pkcs7,
)

NOW = dt.datetime.now(dt.UTC)


def generate(folder: Path, count: int) -> tuple[Path, dict[str, int]]:
    """Write count files into folder; return the accepted-issuers bundle and the mix."""
    rng = random.Random(6544)
    # Like the accepted vendors' real chains (USERTrust RSA root, Sectigo RSA client CA):
    # mostly RSA issuers, some EC. (ECDSA verification costs about twice RSA's.)
    root = make_ca("Bench Accepted Root")
    intermediates = [
        make_ca("Bench Client CA RSA", issuer=root),
        make_ca("Bench Client CA EC", issuer=root, key=new_key("ec")),
    ]
    foreign = make_ca("Bench Foreign CA", key=new_key("ec"))
    keys = [new_key("rsa", 2048) for _ in range(3)] + [new_key("ec") for _ in range(3)]
    mix: dict[str, int] = {}
    for index in range(count):
        roll = rng.random()
        issuer: Issued = intermediates[0] if rng.random() < 0.8 else intermediates[1]
        options: dict[str, object] = {
            "user_id": f"user{index:06d}",
            "key": rng.choice(keys),
            "email": f"user{index}@example.edu",
        }
        if roll < 0.40:
            kind, suffix = "pem+chain", ".pem"
        elif roll < 0.65:
            kind, suffix = "der", ".cer"
        elif roll < 0.75:
            kind, suffix = "pem", ".crt"
        elif roll < 0.85:
            kind, suffix = "pkcs7", ".p7b"
        elif roll < 0.90:
            kind, suffix = "expired", ".pem"
            options["not_before"] = NOW - dt.timedelta(days=800)
            options["not_after"] = NOW - dt.timedelta(days=30)
        elif roll < 0.95:
            kind, suffix = "foreign", ".pem"
            issuer = foreign
        else:
            kind, suffix = "bad", ".cer"
        mix[kind] = mix.get(kind, 0) + 1
        person = make_personal(issuer, **options)  # type: ignore[arg-type]
        if kind in ("pem+chain", "expired"):
            data = pem(person.certificate) + pem(issuer.certificate)
        elif kind == "der":
            data = der(person.certificate)
        elif kind == "pkcs7":
            data = pkcs7([person.certificate, issuer.certificate])
        elif kind == "bad":
            whole = der(person.certificate)
            data = (
                whole[: rng.randrange(10, len(whole))] if rng.random() < 0.5 else b"\x00junk" * 50
            )
        else:
            data = pem(person.certificate)
        (folder / f"cert_{index:05d}{suffix}").write_bytes(data)
    bundle = folder.parent / "accepted.pem"
    bundle.write_bytes(pem(root.certificate))
    return bundle, mix


def bare_loop(folder: Path) -> int:
    """(a): load every certificate and read its fields with cryptography, nothing more."""
    read = 0
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        data = Path(entry.path).read_bytes()
        try:
            if b"-----BEGIN CERTIFICATE" in data:
                certificates = x509.load_pem_x509_certificates(data)
            elif b"-----BEGIN PKCS7" in data:
                certificates = pkcs7_loader.load_pem_pkcs7_certificates(data)
            else:
                certificates = [x509.load_der_x509_certificate(data)]
        except ValueError:
            continue
        for certificate in certificates:
            certificate.subject.rfc4514_string()
            certificate.issuer.rfc4514_string()
            _ = certificate.serial_number
            _ = certificate.not_valid_before_utc, certificate.not_valid_after_utc
            _ = certificate.public_key()
            _ = certificate.signature_algorithm_oid
            certificate.fingerprint(hashes.SHA256())
            certificate.fingerprint(hashes.SHA1())
            for _extension in certificate.extensions:
                pass
            read += 1
    return read


def engine_loop(folder: Path, policy: Policy) -> tuple[int, int]:
    """(b): the engine in-process, one report at a time (nothing kept)."""
    reports = errors = 0
    for path in walk(folder, recursive=False):
        report = scan_file(path, policy)
        if report is not None:
            reports += 1
            errors += 0 if report.ok else 1
    return reports, errors


def as_process(folder: Path, bundle: Path, home: Path) -> tuple[float, float, int, int, int]:
    """(c): `sevis-tui inspect --json DIR`: wall and CPU seconds, exit code, JSON lines and
    the peak RSS (KiB) of that process (its workers are reported separately by the kernel)."""
    env = {
        **os.environ,
        "SEVIS_TUI_ACCEPTED_ISSUERS": str(bundle),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sevis_tui", "inspect", "--json", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    stdout = process.stdout
    assert stdout is not None
    lines = 0
    while chunk := stdout.read(1 << 16):
        lines += chunk.count(b"\n")
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, process.returncode, lines, usage.ru_maxrss


def openssl_sample(folder: Path, sample: int) -> float | None:
    """(d): seconds for `openssl x509 -noout -text` on `sample` files (None: no openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    files = sorted(folder.iterdir())[:sample]
    started = time.perf_counter()
    for path in files:
        inform = "DER" if path.suffix == ".cer" else "PEM"
        subprocess.run(
            [openssl, "x509", "-noout", "-text", "-inform", inform, "-in", str(path)],
            capture_output=True,
            check=False,
        )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200, help="files for openssl (d)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (a) and (b); best counts")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: use the files already there"
    )
    args = parser.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sevis-bench-"))
    folder = base / "certs"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        if args.reuse and (base / "accepted.pem").exists():
            bundle = base / "accepted.pem"
            args.files = len(os.listdir(folder))
            print(f"reusing {args.files} files in {folder}")
        else:
            bundle, mix = generate(folder, args.files)
            print(f"generated {args.files} files in {time.perf_counter() - started:.1f} s: {mix}")
        policy = Policy(
            accepted_issuers=tuple(x509.load_pem_x509_certificates(bundle.read_bytes()))
        )
        engine_loop(folder, policy)  # warm the page cache and the imports for both loops
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        # (a) and (b) alternate for a few rounds and the best of each counts: the machine may
        # be shared, and the minimum is the least disturbed measurement of each.
        bare_times, engine_times, bare_cpus, engine_cpus = [], [], [], []
        unvalidated_cpus = []
        no_issuers = Policy()  # nothing accepted: the engine skips path validation
        for _round in range(args.rounds):
            cpu = time.process_time()
            engine_loop(folder, no_issuers)
            unvalidated_cpus.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            certificates = bare_loop(folder)
            bare_times.append(time.perf_counter() - started)
            bare_cpus.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            reports, errors = engine_loop(folder, policy)
            engine_times.append(time.perf_counter() - started)
            engine_cpus.append(time.process_time() - cpu)
        bare, engine = min(bare_times), min(engine_times)
        bare_cpu, engine_cpu = min(bare_cpus), min(engine_cpus)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        runs = [as_process(folder, bundle, base / "home") for _round in range(args.rounds)]
        process, process_cpu, code, lines, child_rss = min(runs)
        sample_seconds = openssl_sample(folder, min(args.sample, args.files))

        n = args.files
        print(
            f"(a) bare cryptography loop : {bare:7.2f} s  {n / bare:8.0f} files/s  "
            f"({certificates} certificates read)"
        )
        print(
            f"(b) engine in-process      : {engine:7.2f} s  {n / engine:8.0f} files/s  "
            f"({reports} reports, {errors} with errors)"
        )
        print(
            f"(c) sevis-tui inspect --json: {process:6.2f} s  {n / process:8.0f} files/s  "
            f"(exit {code}, {lines} JSON lines, {process_cpu:.2f} s CPU with its workers)"
        )
        if sample_seconds is not None:
            scaled = sample_seconds * n / min(args.sample, n)
            print(
                f"(d) openssl x509 -text      : {scaled:6.2f} s  {n / scaled:8.0f} files/s  "
                f"(scaled from {min(args.sample, n)} files: "
                f"{1000 * sample_seconds / min(args.sample, n):.1f} ms/file)"
            )
        print(
            f"ratio (b)/(a) = {engine / bare:.2f} wall clock, {engine_cpu / bare_cpu:.2f} CPU time "
            f"({bare_cpu:.2f} s vs {engine_cpu:.2f} s; target <= 2.0)"
        )
        unvalidated = min(unvalidated_cpus)
        print(
            f"    without path validation (no accepted issuers): {unvalidated:.2f} s CPU, "
            f"ratio {unvalidated / bare_cpu:.2f} to (a); path validation costs "
            f"{1e6 * (engine_cpu - unvalidated) / n:.0f} us/file"
        )
        print(f"(c) under 5 s: {'yes' if process < 5 else 'NO'} ({process:.2f} s)")
        if sample_seconds is not None:
            print(f"ratio (d)/(c) = {scaled / process:.1f}  (openssl per file vs one inspect run)")
        print(
            f"peak RSS in-process: {rss_before / 1024:.0f} MiB before (a)+(b), "
            f"{rss_after / 1024:.0f} MiB after (growth {(rss_after - rss_before) / 1024:.1f} MiB)"
        )
        print(f"peak RSS of the inspect process (c): {child_rss / 1024:.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

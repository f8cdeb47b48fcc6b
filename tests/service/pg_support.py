"""A real, throwaway PostgreSQL for the tests: no mock of the database anywhere.

With SEVIS_TUI_TEST_PG_URL set (a superuser URL without a password, e.g.
postgresql://postgres@127.0.0.1:5432/postgres, the password in PGPASSFILE), the tests use that
server. Otherwise, when initdb, pg_ctl and postgres are installed, each test process (each
pytest-xdist worker) makes its own cluster in a temp folder on a free loopback port: as the
`postgres` user when run as root (the server refuses to run as root), with a password that
clients read from a private PGPASSFILE. It is stopped and removed at the end. Without the
binaries, the PostgreSQL tests skip and say why.

Each test gets a database of its own, copied from a seeded template (CREATE DATABASE ...
TEMPLATE is a file copy, much faster than seeding).
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

URL_VARIABLE = "SEVIS_TUI_TEST_PG_URL"
BINARIES = ("initdb", "pg_ctl", "postgres")
# Debian and Ubuntu keep the server's programs out of PATH, in /usr/lib/postgresql/VERSION/bin.
SEARCH = os.pathsep.join(
    [
        os.environ.get("PATH", ""),
        "/usr/local/bin",
        *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True),
    ]
)


def missing_reason() -> str | None:
    """Why no PostgreSQL can be had here, or None."""
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.environ.get("FAKETIME"):
        # The suite run on another date (libfaketime): psycopg_pool's threads wait with
        # timeouts, and libfaketime hangs timed waits (a pool's close never returns). The
        # PostgreSQL half tests instances and faults, not dates: it runs on the real clock.
        return "libfaketime is loaded (FAKETIME): the PostgreSQL tests run on the real clock"
    if os.environ.get(URL_VARIABLE):
        return None
    absent = [name for name in BINARIES if shutil.which(name, path=SEARCH) is None]
    if absent:
        return (
            f"PostgreSQL is not installed ({', '.join(absent)} not found) and "
            f"{URL_VARIABLE} is not set"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A PostgreSQL server: one started here, or the one SEVIS_TUI_TEST_PG_URL names."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.port = 0
        self.admin_url = os.environ.get(URL_VARIABLE, "")
        self._count = 0

    # ------------------------------------------------------------------ a cluster of our own

    def _as_server_user(self, *command: str) -> list[str]:
        if os.geteuid() != 0:
            return list(command)
        return ["runuser", "-u", "postgres", "--", *command]

    def _binary(self, name: str) -> str:
        found = shutil.which(name, path=SEARCH)
        assert found is not None
        return found

    def start(self) -> None:
        if self.admin_url:
            return
        self.root = Path(tempfile.mkdtemp(prefix="sevis-tui-pg-"))
        password = secrets.token_urlsafe(18)
        (self.root / "pwfile").write_text(password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.root / "pwfile", "postgres", "postgres")
        subprocess.run(
            self._as_server_user(
                self._binary("initdb"),
                "-D",
                str(self.root / "data"),
                "-U",
                "postgres",
                "--pwfile",
                str(self.root / "pwfile"),
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )
        self.port = free_port()
        self.start_server()
        # The clients' password: in a private PGPASSFILE, never in a URL.
        passfile = Path(tempfile.mkdtemp(prefix="sevis-tui-pgpass-")) / "pgpass"
        passfile.write_text(f"127.0.0.1:{self.port}:*:postgres:{password}\n")
        passfile.chmod(0o600)
        os.environ["PGPASSFILE"] = str(passfile)
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start_server(self) -> None:
        assert self.root is not None
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            self._as_server_user(
                self._binary("pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-o",
                options,
                "-l",
                str(self.root / "log"),
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def stop_server(self, mode: str = "fast") -> None:
        assert self.root is not None, "only a cluster started here can be stopped"
        subprocess.run(
            self._as_server_user(
                self._binary("pg_ctl"), "-D", str(self.root / "data"), "-m", mode, "-w", "stop"
            ),
            check=True,
            capture_output=True,
        )

    def remove(self) -> None:
        if self.root is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop_server("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
        passfile = os.environ.pop("PGPASSFILE", None)
        if passfile:
            shutil.rmtree(Path(passfile).parent, ignore_errors=True)

    # ------------------------------------------------------------------ databases

    def url(self, database: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + database

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        self._count += 1
        name = f"t{os.getpid()}_{self._count}_{secrets.token_hex(3)}"
        copy = f" TEMPLATE {template}" if template else ""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}{copy}")  # type: ignore[arg-type]
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]

"""A throwaway PostgreSQL cluster started with the machine's own binaries, for the test session.

Like pytest-postgresql, but it also works as root (CI containers): the cluster then runs as the
unprivileged ``postgres`` (or ``nobody``) user, because initdb refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            candidates.append(subprocess.check_output([pg_config, "--bindir"], text=True).strip())
        except (OSError, subprocess.CalledProcessError):
            pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in ("/usr/local/pgsql/bin", "/usr/local/bin", "/usr/bin"):
        candidates.append(folder)
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate).resolve() if (Path(candidate) / "postgres").exists() else Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found; install Debian's 'postgresql' package."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresCluster:
    bindir: Path
    root: Path
    port: int
    user: str | None  # the OS user the server runs as when we are root

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        kwargs = {"user": self.user} if self.user else {}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], check=True, capture_output=True, text=True,
            cwd=self.root, **kwargs,
        )

    def start(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off " \
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l", str(self.root / "log"), "-w",
                  "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        # With a log file: without one the server writes to pg_ctl's output, which never closes (a hang).
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "log"), "-m", "fast", "-w", "restart")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_cluster() -> PostgresCluster:
    bindir = find_bindir()
    user = None
    if os.geteuid() == 0:
        for candidate in ("postgres", "nobody"):
            try:
                pwd.getpwnam(candidate)
                user = candidate
                break
            except KeyError:
                continue
    root = Path(tempfile.mkdtemp(prefix="sapa-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = PostgresCluster(bindir=bindir, root=root, port=_free_port(), user=user)
    try:
        cluster.start()
    except subprocess.CalledProcessError as error:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        cluster.stop()
        raise PostgresUnavailable(f"PostgreSQL did not start: {error.stderr}\n{log}") from error
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            cluster.create_database("sapa_probe")
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.2)
    return cluster

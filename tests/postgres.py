"""A real PostgreSQL server for the storage tests.

MISSIONPLACE_TEST_PG_DSN (a libpq DSN of a role that may create databases)
names an existing server.  Without it a throwaway cluster is started from the
machine's PostgreSQL binaries, as the ``postgres`` user when running as root
(PostgreSQL refuses to run as root), and removed afterwards.  No PostgreSQL
means the tests fail with one line saying what to install; they never skip.
"""

from pathlib import Path
import glob
import os
import psycopg2
import pwd
import pytest
import shutil
import socket
import subprocess
import tempfile
import uuid


INSTALL_HINT = (
    "PostgreSQL is needed: apt-get install postgresql (or set MISSIONPLACE_TEST_PG_DSN "
    "to a server where the role may create databases)"
)


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb") or shutil.which("pg_ctl")
    return Path(initdb).parent if initdb else None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    def __init__(self, bindir):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="missionplace-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.prefix = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root needs the 'postgres' user: " + INSTALL_HINT, pytrace=False)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args):
        result = subprocess.run([*self.prefix, *map(str, args)], capture_output=True, text=True)
        if result.returncode:
            pytest.fail(f"PostgreSQL: {' '.join(map(str, args[:2]))} failed: {result.stderr.strip()}", pytrace=False)

    def start(self):
        self._run(self.bindir / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "log", "-w", "start")
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def stop(self):
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """A DSN of a PostgreSQL server where databases may be created."""
    dsn = os.environ.get("MISSIONPLACE_TEST_PG_DSN")
    if dsn:
        yield dsn
        return
    bindir = _bindir()
    if bindir is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    cluster = ThrowawayCluster(bindir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _admin(dsn, sql):
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def pg_dsn(pg_server):
    """A DSN of a new, empty database, dropped after the test."""
    name = f"missionplace_test_{uuid.uuid4().hex[:12]}"
    _admin(pg_server, f'CREATE DATABASE "{name}"')
    params = dict(part.split("=", 1) for part in pg_server.split())
    params["dbname"] = name
    yield " ".join(f"{key}={value}" for key, value in params.items())
    _admin(pg_server, f'DROP DATABASE "{name}" WITH (FORCE)')

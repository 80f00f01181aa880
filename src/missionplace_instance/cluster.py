"""``missionplace-instance cluster``: several Zope instances on RelStorage, balanced and cached, on one machine.

    visitors → Varnish :8080 → HAProxy :8083 → Zope instances :8081, :8082 → PostgreSQL

``make cluster INSTANCES=2`` (``missionplace-instance cluster --instances 2
--port 8080``) starts, as child processes of this one:

- PostgreSQL: the database of MISSIONPLACE_RELSTORAGE_DSN if set, else a
  server of the cluster's own in ``<instance>/var/cluster/pg`` (created on the
  first run, kept between runs, listening on a Unix socket only);
- the site, with demo content, created in that database if it is missing
  (``missionplace-instance create-site``);
- N Zope instances (waitress) on ports ``port+1 .. port+N``, each with a
  folder of its own, ``var/cluster/instance-<n>``: its etc/zope.conf
  (RelStorage), blob cache, mail queue, logs, and its own settings in its
  environment, nothing of them written into the shared database
  (MISSIONPLACE_CACHE_PROXY: the Varnish it purges, ``purging.py``;
  MISSIONPLACE_MAIL_QUEUE; MISSIONPLACE_TRUSTED_PROXIES: its Varnish and
  HAProxy, whose X-Forwarded-For tells the visitor's address);
- HAProxy on ``port+N+1``, balancing them (least connections, at most as many
  requests per instance as it has threads) and checking each with ``GET /ok``;
  it names the instance that answered in ``X-Served-By``;
- Varnish on ``port`` (MISSIONPLACE_HOST, default localhost), in front of HAProxy
  (instance/varnish.vcl.in).

Their configuration files are written from ``instance/*.in`` into
``var/cluster``; each process logs to a file there.  Ctrl+C (SIGINT) or SIGTERM
stops them all, in the reverse order; should this process be killed outright,
Linux stops them too (each child is told to end with its parent).

The same from Python, e.g. for the benchmarks::

    from missionplace_instance.cluster import Cluster

    with Cluster(instances=2, port=8080) as cluster:
        cluster.url  # Varnish:  http://localhost:8080
        cluster.balancer_url  # HAProxy:  http://127.0.0.1:8083
        cluster.instance_urls  # the instances, directly
        cluster.dsn  # the database

Start and stop it from the thread that keeps running while it is used: a child
is stopped when the thread that started it ends (Linux's parent-death signal).
"""

from missionplace_instance.processes import Child
from missionplace_instance.processes import port_is_free
from missionplace_instance.processes import ServerError
from pathlib import Path
import glob
import os
import psycopg2
import pwd
import re
import shutil
import signal
import subprocess
import sys
import threading
import time


# What an instance folder needs of instance/ (the Instance class reads its templates from its home).
INSTANCE_TEMPLATES = ("zope.conf.in", "zope.ini.in", "relstorage.conf.in", "filestorage.conf.in", "site.zcml")
DATABASE = "missionplace"
# The Unix socket's name is .s.PGSQL.<port>: the number never opens a TCP port.
PG_SOCKET_PORT = 5432
# waitress threads per instance (instance/zope.ini.in): HAProxy sends each no more at once.
THREADS = 4
SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")


# A child that fails raises ServerError: the cluster's own refusals are the same kind of error.
ClusterError = ServerError


def _env(environ, name, default=""):
    return environ.get(f"MISSIONPLACE_{name}") or default


def _program(name, package):
    path = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), *SBIN]))
    if path is None:
        raise ClusterError(f"{name} is needed: apt-get install {package}")
    return path


def _account(name, package):
    """As root, the account a server runs as (its Debian package's); None otherwise (the user's own).

    PostgreSQL refuses to run as root, and Varnish and HAProxy need no
    privilege.  The process is started as that user rather than left to drop
    root itself, so that it still ends with its parent (Linux forgets the
    parent-death signal when a process changes its user).
    """
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise ClusterError(f"running as root needs the {name!r} user: apt-get install {package}") from None


def _owned_by(folder, user):
    folder.mkdir(parents=True, exist_ok=True)
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _postgres_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise ClusterError("PostgreSQL is needed: apt-get install postgresql (or set MISSIONPLACE_RELSTORAGE_DSN)")
    return Path(initdb).parent


class PostgreSQL:
    """A PostgreSQL server of the cluster's own in ``folder``: made once, kept between runs."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        self.dsn = f"host={self.folder} port={PG_SOCKET_PORT} user=postgres dbname={DATABASE}"
        self.child = None

    def start(self, say):
        bindir = _postgres_bindir()
        user = _account("postgres", "postgresql")
        # A Unix socket's path has at most 107 bytes.
        if len(str(self.folder / f".s.PGSQL.{PG_SOCKET_PORT}").encode()) > 107:
            raise ClusterError(f"the folder {self.folder} is too deep for PostgreSQL's socket: use a shorter path")
        _owned_by(self.folder, user)
        if not (self.data / "PG_VERSION").exists():
            say(f"creating a PostgreSQL cluster in {self.data}")
            initdb = subprocess.run(
                [str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
                capture_output=True,
                text=True,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
            )
            if initdb.returncode:
                raise ClusterError(f"initdb failed: {initdb.stderr.strip()}")
        self.child = Child(
            "PostgreSQL",
            [bindir / "postgres", "-D", self.data, "-k", self.folder, "-p", PG_SOCKET_PORT, "-c", "listen_addresses="],
            self.log,
            user=user,
            # Fast shutdown: the instances have stopped by then.
            stop_signal=signal.SIGINT,
        )
        deadline = time.monotonic() + 60
        while True:
            if not self.child.running():
                raise self.child.failure("did not start")
            try:
                connection = psycopg2.connect(self.dsn.replace(f"dbname={DATABASE}", "dbname=postgres"))
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise self.child.failure("did not answer within 60 s") from None
                time.sleep(0.2)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{DATABASE}"')
                    say(f"created the database {DATABASE!r}")
        finally:
            connection.close()
        return self.child


class Cluster:
    """PostgreSQL, ``instances`` Zope instances, HAProxy and Varnish; a context manager.

    ``home``: the instance folder whose templates are used (MISSIONPLACE_INSTANCE,
    else ./instance); the cluster lives in ``home/var/cluster``.  ``port``:
    Varnish's; the instances take the next ``instances`` ports and HAProxy the
    one after, unless ``instance_ports`` and ``balancer_port`` say otherwise.
    ``environ``: the settings (os.environ by default; see the module's
    docstring).  ``out``: where progress is written.
    """

    def __init__(
        self,
        home=None,
        instances=2,
        port=8080,
        balancer_port=None,
        instance_ports=None,
        environ=None,
        out=None,
    ):
        self.environ = dict(os.environ if environ is None else environ)
        self.home = Path(home or _env(self.environ, "INSTANCE", "instance")).resolve()
        self.folder = self.home / "var" / "cluster"
        if instances < 1:
            raise ClusterError("a cluster has at least one instance")
        self.host = _env(self.environ, "HOST", "localhost")
        self.port = int(port)
        self.instance_ports = list(instance_ports or range(self.port + 1, self.port + 1 + instances))
        if len(self.instance_ports) != instances:
            raise ClusterError(f"{instances} instances need {instances} ports, not {self.instance_ports}")
        self.balancer_port = int(balancer_port or self.port + instances + 1)
        self.site_id = _env(self.environ, "SITE_ID", "missionplace")
        self.out = out or sys.stdout
        self.dsn = _env(self.environ, "RELSTORAGE_DSN")
        self.postgresql = None if self.dsn else PostgreSQL(self.folder / "pg")
        self.children = []

    # -- addresses ---------------------------------------------------------------------------------

    @property
    def local_host(self):
        """How processes on this machine reach Varnish (whatever address it listens on)."""
        return "127.0.0.1" if self.host in ("", "0.0.0.0", "::", "*") else self.host  # noqa: S104

    @property
    def url(self):
        return f"http://{self.local_host}:{self.port}"

    @property
    def balancer_url(self):
        return f"http://127.0.0.1:{self.balancer_port}"

    @property
    def instance_urls(self):
        return [f"http://127.0.0.1:{port}" for port in self.instance_ports]

    @property
    def trusted_proxies(self):
        """What the instances trust to forward the client's address: Varnish and HAProxy, on 127.0.0.1.

        Added to MISSIONPLACE_TRUSTED_PROXIES of the environment (a load balancer in front of Varnish).
        """
        listed = [proxy.strip() for proxy in _env(self.environ, "TRUSTED_PROXIES").split(",") if proxy.strip()]
        return ",".join(dict.fromkeys([*listed, "127.0.0.1"]))

    def instance_home(self, number):
        return self.folder / f"instance-{number}"

    @property
    def instance_pids(self):
        """The process ids of the running Zope instances, in order (the benchmarks read their memory)."""
        return [child.pid for child in self.children if child.name.startswith("instance-") and child.running()]

    # -- starting ----------------------------------------------------------------------------------

    def say(self, message):
        print(f"MissionPlace cluster: {message}", file=self.out, flush=True)

    def _check_ports(self):
        wanted = [(self.host if self.host != "localhost" else "127.0.0.1", self.port)]
        wanted += [("127.0.0.1", port) for port in (*self.instance_ports, self.balancer_port)]
        if len({port for _host, port in wanted}) != len(wanted):
            raise ClusterError(f"the ports overlap: {[port for _host, port in wanted]}")
        busy = [port for host, port in wanted if not port_is_free(host, port)]
        if busy:
            raise ClusterError(f"port(s) {', '.join(map(str, busy))} already in use: choose another --port")

    def _write(self, template, target, **values):
        text = (self.home / template).read_text()
        for key, value in values.items():
            text = text.replace(f"<<{key}>>", str(value))
        target.write_text(text)
        return target

    def _command_env(self, number):
        """The environment of instance ``number``: its own folder, port, mail queue, caching proxy."""
        home = self.instance_home(number)
        env = dict(self.environ)
        env.update(
            MISSIONPLACE_INSTANCE=str(home),
            MISSIONPLACE_HOST="127.0.0.1",
            MISSIONPLACE_PORT=str(self.instance_ports[number - 1]),
            MISSIONPLACE_RELSTORAGE_DSN=self.dsn,
            MISSIONPLACE_MAIL_QUEUE=str(home / "var" / "mailqueue"),
            MISSIONPLACE_CACHE_PROXY=self.url,
            MISSIONPLACE_TRUSTED_PROXIES=self.trusted_proxies,
            # The instance command runs in this Python, with this process's path (buildout's too).
            PYTHONPATH=os.pathsep.join(path for path in sys.path if path),
        )
        env.pop("MAILHOST_QUEUE_ONLY", None)
        return env

    def _instance_command(self, number, command):
        """``missionplace-instance <command>`` for instance ``number``, its output shown; stopped with the cluster."""
        home = self.instance_home(number)
        log = home / "var" / "log" / f"{command}.log"
        child = Child(
            f"missionplace-instance {command}",
            [sys.executable, "-m", "missionplace_instance.instance", command, "--instance", home],
            log,
            env=self._command_env(number),
            stop_signal=signal.SIGINT,
        )
        self.children.append(child)
        offset = log.stat().st_size
        while child.running():
            time.sleep(0.2)
            offset = self._show(log, offset)
        self._show(log, offset)
        self.children.remove(child)
        if child.process.returncode:
            raise child.failure(f"failed (exit {child.process.returncode})")

    def _show(self, log, offset):
        """Show the command's progress lines written since ``offset``; the offset of what is left."""
        with open(log, "rb") as text:
            text.seek(offset)
            new = text.read()
        # Whole lines only: the rest of a line being written comes next time.
        done = new[: new.rfind(b"\n") + 1]
        for line in done.decode(errors="replace").splitlines():
            if line.startswith(("MissionPlace", "  [")):
                print(f"  {line}", file=self.out, flush=True)
        return offset + len(done)

    def _prepare_instance(self, number):
        home = self.instance_home(number)
        # Not the mail queue: zope.sendmail makes it a maildir when it is missing, and refuses an empty folder.
        for folder in ("etc", "var/log"):
            (home / folder).mkdir(parents=True, exist_ok=True)
        for name in INSTANCE_TEMPLATES:
            shutil.copyfile(self.home / name, home / name)
        self._instance_command(number, "configure")

    def start(self):
        for template in ("varnish.vcl.in", "haproxy.cfg.in", *INSTANCE_TEMPLATES):
            if not (self.home / template).exists():
                raise ClusterError(f"{self.home / template} is missing: is {self.home} an instance folder?")
        varnishd, haproxy = _program("varnishd", "varnish"), _program("haproxy", "haproxy")
        self._check_ports()
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.postgresql is not None:
            self.say("starting PostgreSQL")
            self.children.append(self.postgresql.start(self.say))
            self.dsn = self.postgresql.dsn
        for number in range(1, len(self.instance_ports) + 1):
            self._prepare_instance(number)
        # Once, before any instance serves: two creating the same site would conflict.
        self._instance_command(1, "create-site")
        runwsgi = Path(sys.executable).with_name("runwsgi")
        instances = []
        for number, port in enumerate(self.instance_ports, start=1):
            home = self.instance_home(number)
            self.say(f"starting instance-{number} on port {port}")
            child = Child(
                f"instance-{number}",
                [runwsgi, home / "etc" / "zope.ini"],
                home / "var" / "log" / "console.log",
                env=self._command_env(number),
                # Zope's own shutdown (KeyboardInterrupt): connections closed, nothing left half-written.
                stop_signal=signal.SIGINT,
            )
            self.children.append(child)
            instances.append((child, port))
        for child, port in instances:
            child.wait_until_answers(port, "/ok")
        servers = "\n".join(
            f"    server instance-{number} 127.0.0.1:{port}" for number, port in enumerate(self.instance_ports, 1)
        )
        config = self._write(
            "haproxy.cfg.in",
            self.folder / "haproxy.cfg",
            LISTEN=f"127.0.0.1:{self.balancer_port}",
            THREADS=THREADS,
            SERVERS=servers,
        )
        self.say(f"starting HAProxy on port {self.balancer_port}")
        balancer = Child(
            "HAProxy", [haproxy, "-f", config, "-db"], self.folder / "haproxy.log", user=_account("haproxy", "haproxy")
        )
        self.children.append(balancer)
        balancer.wait_until_answers(self.balancer_port, "/ok", timeout=30)
        vcl = self._write(
            "varnish.vcl.in",
            self.folder / "varnish.vcl",
            BACKEND_HOST="127.0.0.1",
            BACKEND_PORT=self.balancer_port,
            PURGERS="",
        )
        self.say(f"starting Varnish on port {self.port}")
        listen = f"{self.host}:{self.port}" if self.host != "*" else f":{self.port}"
        user = _account("varnish", "varnish")
        # No jail (-j none): it runs as the user it is started as, see _account.
        # Its working folder holds only what this run makes (shared-memory log, compiled VCL).
        shutil.rmtree(self.folder / "varnish", ignore_errors=True)
        workdir = _owned_by(self.folder / "varnish", user)
        cache = Child(
            "Varnish",
            [varnishd, "-F", "-j", "none", "-n", workdir, "-f", vcl, "-a", listen, "-s", "malloc,256m"],
            self.folder / "varnish.log",
            user=user,
        )
        self.children.append(cache)
        cache.wait_until_answers(self.port, "/ok", host=self.local_host, timeout=60)
        return self

    def topology(self):
        """What runs where, one line each, for people (a DSN's password is not shown)."""
        database = re.sub(r"password=\S+", "password=…", self.dsn)
        if self.postgresql is not None:
            database += f"  (log: {self.postgresql.log})"
        lines = [
            f"visitors → Varnish     {self.url}/  (cache; log: {self.folder / 'varnish.log'})",
            f"         → HAProxy     {self.balancer_url}/  (balancer, health check GET /ok)",
        ]
        for number, url in enumerate(self.instance_urls, start=1):
            lines.append(f"         → instance-{number}  {url}/  ({self.instance_home(number)})")
        lines.append(f"         → PostgreSQL  {database}")
        return lines

    # -- stopping ----------------------------------------------------------------------------------

    def stop(self):
        """Stop every process, the last started first (Varnish, HAProxy, the instances, PostgreSQL).

        A second Ctrl+C while they stop would leave the rest running: from the
        main thread, the stop signals wait until everything has stopped.
        """
        shield = threading.current_thread() is threading.main_thread()
        if shield:
            previous = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            while self.children:
                self.children.pop().stop()
        finally:
            if shield:
                for number, handler in previous.items():
                    signal.signal(number, handler)

    def failed(self):
        """The children that stopped by themselves."""
        return [child for child in self.children if not child.running()]

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run(instances=2, port=8080, home=None):
    """The command: start the cluster, show its topology, wait for Ctrl+C or SIGTERM, stop everything."""
    # Both, even when started with SIGINT ignored (a shell's background job).
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    cluster = Cluster(home=home, instances=instances, port=port)
    try:
        with cluster:
            for line in cluster.topology():
                print(f"  {line}", flush=True)
            # Last: whoever waits for "ready" (a script, the tests) has the addresses by then.
            cluster.say("ready; Ctrl+C stops everything")
            while not cluster.failed():
                time.sleep(1)
            for child in cluster.failed():
                cluster.say(f"{child.name} stopped (exit {child.process.returncode}), see {child.log}")
            cluster.say("stopping everything")
            return 1
    except KeyboardInterrupt:
        cluster.say("stopped")
        return 0
    except ClusterError as error:
        cluster.say(str(error))
        return 1

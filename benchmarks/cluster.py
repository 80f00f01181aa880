"""B4 and B6 on the cluster of ``make cluster``: PostgreSQL, Zope instances on RelStorage, HAProxy and Varnish.

The cluster is ``missionplace_instance.cluster.Cluster`` itself, in an
instance folder of its own made from instance/'s templates (``<work>/cluster``,
or a folder in /tmp when PostgreSQL, which runs as the ``postgres`` user when
the benchmarks run as root, could not reach that one), with its own PostgreSQL
and the site with the demo content: not the generated items of the other
benchmarks (B4 and B6 read one page).  The benchmarks' main thread starts it
and stops it (its children end with the thread that started them): first with
2 instances, for B4 and B6's measured phase, then with 1 instance on the same
database, for B6's baseline (PostgreSQL's caches are warm by then: that
favours the baseline, not the measure).

B4's baseline is nginx serving, as a static file, the very bytes Varnish
serves for the page, started as a child process with a configuration of its
own (as ``www-data`` when run as root).  Both are loaded by wrk
(benchmarks/wrk.py) with the same settings, as is B6.
"""

from benchmarks import content
from benchmarks import wrk
from benchmarks.servers import ADMIN_PASSWORD
from benchmarks.servers import BenchError
from benchmarks.servers import clean_environment
from benchmarks.servers import MissionPlaceSite
from benchmarks.servers import NotRun
from benchmarks.servers import process_memory
from benchmarks.servers import REPO
from missionplace_instance.cluster import Cluster
from missionplace_instance.cluster import ClusterError
from missionplace_instance.cluster import PG_SOCKET_PORT
from missionplace_instance.cluster import THREADS
from missionplace_instance.processes import Child
from missionplace_instance.processes import free_port
from missionplace_instance.processes import free_ports
from pathlib import Path
import http.client
import os
import pwd
import re
import requests
import shutil
import stat
import subprocess
import tempfile
import time


# B4: wrk's connections, to the cache and to nginx alike.
CACHE_CONNECTIONS = 32
# The most instances a phase starts (B6's measure): the cluster takes their ports, Varnish's and HAProxy's.
MOST_INSTANCES = 2
# A Unix socket's path has at most 107 bytes (PostgreSQL's, in the cluster's folder).
SOCKET_PATH_LIMIT = 107
# The programs a phase needs beside the cluster's, and the Debian package of each.
PACKAGES = {"wrk": "wrk", "nginx": "nginx-light"}
SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def _which(name):
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), *SBIN]))


def require(*names):
    """A NotRun naming the first missing program and its package."""
    for name in names:
        if _which(name) is None:
            raise NotRun(f"{name} is needed: apt-get install {PACKAGES[name]}")


def member_connections(users):
    """B6's wrk connections, the same with 1 and 2 instances: enough to keep 2 instances' threads busy."""
    return max(users, MOST_INSTANCES * THREADS)


def _open_to_others(folder):
    """Whether other users may pass through every folder above ``folder``."""
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in Path(folder).parents)


class ClusterSite(MissionPlaceSite):
    """The cluster's site, reached through Varnish (requests with credentials pass it, to HAProxy)."""

    def __init__(self, cluster):
        self.cluster = cluster

    @property
    def site_url(self):
        return f"{self.cluster.url}/{self.site_id}"


class Nginx:
    """nginx serving ``body`` as a static file on a free port, as long as the ``with`` lasts; its URL."""

    def __init__(self, folder, body):
        self.folder = Path(folder)
        self.body = body
        self.child = None

    def _config(self, port):
        # The temporary folders nginx makes at start-up: in its own folder, not /var/lib/nginx.
        built = subprocess.run([_which("nginx"), "-V"], capture_output=True, text=True).stderr
        temporary = "".join(
            f"    {kind}_temp_path {self.folder / 'tmp' / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            if f"--http-{kind.replace('_', '-')}-temp-path" in built
        )
        return (
            "# Written by benchmarks/cluster.py: B4's page as a static file.\n"
            "daemon off;\n"
            f"worker_processes {os.cpu_count() or 1};\n"
            f"pid {self.folder / 'nginx.pid'};\n"
            "error_log stderr warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    access_log off;\n"
            "    sendfile on;\n"
            "    tcp_nopush on;\n"
            # As Varnish, which never closes a kept-alive connection after so many requests.
            "    keepalive_requests 1000000;\n"
            "    default_type text/html;\n"
            "    charset utf-8;\n"
            f"{temporary}"
            f"    server {{ listen 127.0.0.1:{port}; root {self.folder / 'www'}; }}\n"
            "}\n"
        )

    def __enter__(self):
        shutil.rmtree(self.folder, ignore_errors=True)
        (self.folder / "www").mkdir(parents=True)
        (self.folder / "tmp").mkdir()
        (self.folder / "www" / "page.html").write_bytes(self.body)
        port = free_port()
        config = self.folder / "nginx.conf"
        config.write_text(self._config(port))
        # As root: as the web server's account, which must then own its folder (pid file, temporary files).
        user = pwd.getpwnam("www-data") if os.geteuid() == 0 else None
        if user is not None:
            for path in (self.folder, *self.folder.rglob("*")):
                os.chown(path, user.pw_uid, user.pw_gid)
        self.child = Child(
            "nginx",
            [_which("nginx"), "-e", "stderr", "-p", self.folder, "-c", config],
            self.folder / "nginx.log",
            user=user,
        )
        try:
            self._wait(port)
        except BaseException:
            self.__exit__()
            raise
        return f"http://127.0.0.1:{port}/page.html"

    def _wait(self, port):
        """Until nginx serves the page as saved."""
        deadline = time.monotonic() + 30
        while True:
            if not self.child.running():
                raise self.child.failure("stopped at start-up")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/page.html")
                response = connection.getresponse()
                if response.status == 200 and response.read() == self.body:
                    return
                raise BenchError(f"nginx does not serve the page as saved, see {self.child.log}")
            except OSError:
                if time.monotonic() > deadline:
                    raise self.child.failure("did not answer within 30 s") from None
                time.sleep(0.2)
            finally:
                connection.close()

    def __exit__(self, *exc):
        if self.child is not None:
            self.child.stop()
            self.child = None


class ClusterBench:
    """The cluster for one run of the benchmarks: started when first needed, restarted with another
    number of instances, stopped by ``close`` (``PROVIDERS["cluster"]`` of benchmarks/registry.py)."""

    def __init__(self, bench):
        self.bench = bench
        self.folder = bench.work / "cluster-load"  # wrk's scripts and logs
        self.home = None
        self.temporary = False
        self.port = None
        self.cluster = None
        self.error = None
        self.log = None

    # -- the cluster ---------------------------------------------------------------------------

    def _make_home(self):
        """The cluster's folder: ``<work>/cluster``, or one in /tmp if the servers' accounts could not reach it.

        As root, PostgreSQL runs as ``postgres`` and nginx as ``www-data``: every
        folder above must let other users through (pytest's are private).
        """
        home = self.bench.work / "cluster"
        socket_path = home / "var" / "cluster" / "pg" / f".s.PGSQL.{PG_SOCKET_PORT}"
        home.mkdir(parents=True, exist_ok=True)
        if len(str(socket_path).encode()) > SOCKET_PATH_LIMIT or (os.geteuid() == 0 and not _open_to_others(home)):
            shutil.rmtree(home)
            home, self.temporary = Path(tempfile.mkdtemp(prefix="missionplace-bench-")), True
        home.chmod(0o755)
        for template in REPO.glob("instance/*"):
            if template.is_file():
                shutil.copy(template, home / template.name)
        self.home = home
        self.log = open(self.bench.work / "cluster.log", "a")  # closed by close()

    def start(self, instances):
        """The cluster with ``instances`` instances, started (or restarted) if it is not running so."""
        if self.error:
            raise NotRun(self.error)
        if self.cluster is not None and len(self.cluster.instance_ports) == instances:
            return self.cluster
        self.stop()
        if self.home is None:
            self._make_home()
        if self.port is None:
            self.port = free_ports(MOST_INSTANCES + 2)
        self.bench.progress(
            f"starting the cluster (PostgreSQL, {instances} instance{'s' if instances > 1 else ''} on RelStorage, "
            "HAProxy, Varnish) "
            f"in {self.home}, its progress in {self.log.name}…"
        )
        environ = clean_environment()
        environ.update(MISSIONPLACE_ADMIN_PASSWORD=ADMIN_PASSWORD, MISSIONPLACE_HOST="localhost")
        cluster = Cluster(home=self.home, instances=instances, port=self.port, environ=environ, out=self.log)
        try:
            cluster.start()
        except ClusterError as error:
            cluster.stop()
            self.error = f"the cluster did not start: {str(error).splitlines()[0]}"
            self.bench.progress(f"{self.error}\n{error}")
            raise NotRun(self.error) from None
        except BaseException:
            cluster.stop()
            raise
        self.cluster = cluster
        site = ClusterSite(cluster)
        site.ensure_page()
        site.ensure_page(content.PUBLIC_PAGE_ID, public=True)
        return cluster

    def stop(self):
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None

    def close(self):
        self.stop()
        if self.log is not None:
            self.log.close()
            self.log = None
        # Kept when the cluster failed, for its logs.
        if self.temporary and not self.error:
            shutil.rmtree(self.home, ignore_errors=True)

    def _memory(self):
        """Record each instance's resident size, now (after the last phase on it)."""
        pids = self.cluster.instance_pids
        for number, pid in enumerate(pids, start=1):
            name = f"MissionPlace cluster (RelStorage), instance-{number} of {len(pids)} after its last phase"
            self.bench.memory[name] = process_memory(pid)

    def _phase(self, url, label, connections, **options):
        bench = self.bench
        bench.progress(f"{label}: wrk, {connections} connections, {bench.args.duration:g} s…")
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        summary = wrk.phase(url, bench.args.warmup, bench.args.duration, connections, self.folder, name, **options)
        if not summary["requests"]:
            # No answer came within the phase: on a machine busy with other work (the smoke run
            # inside the test suite), a member's page may take longer than a smoke's few seconds.
            seconds = max(20.0, 4 * bench.args.duration)
            bench.progress(f"  no answer within {bench.args.duration:g} s: measuring again for {seconds:g} s…")
            summary = wrk.phase(url, 0, seconds, connections, self.folder, f"{name}-longer", **options)
        bench.progress(
            f"  {summary['requests']} requests, {summary['failures']} failed, {summary['rps']:.1f} req/s, "
            f"p50 {summary['p50']:.1f} ms, p95 {summary['p95']:.1f} ms, p99 {summary['p99']:.1f} ms; "
            f"wrk {summary['cpu_wrk']:.2f} CPU, machine {summary['machine_busy']:.0%} busy"
        )
        return summary

    # -- the benchmarks ------------------------------------------------------------------------

    def cache_against_static(self):
        """B4: an anonymous visitor's public page through Varnish, then the same bytes from nginx.

        Returns both summaries and what the row notes: the page's size and
        Varnish's X-Cache before and after (a phase that was not served from
        the cache is not B4).
        """
        require("wrk", "nginx")
        cluster = self.start(MOST_INSTANCES)
        site = ClusterSite(cluster)
        url = f"{site.site_url}/{site.place}/{content.PUBLIC_PAGE_ID}"

        def visit():
            # As wrk asks: no compression.
            page = requests.get(url, headers={"Accept-Encoding": "identity"}, allow_redirects=False, timeout=60)
            if page.status_code != 200 or content.MARKER not in page.text:
                raise BenchError(f"the public page {url} answers {page.status_code} to a visitor")
            return page

        visit()  # Stored, if it was not yet.
        before = visit()
        measured = self._phase(url, "B4 Varnish", CACHE_CONNECTIONS, least_bytes=len(before.content))
        after = visit()
        self._memory()
        # In the cluster's folder, which the web server's account can reach (see _make_home).
        try:
            with Nginx(self.home / "nginx", before.content) as static:
                baseline = self._phase(static, "B4 nginx", CACHE_CONNECTIONS, least_bytes=len(before.content))
        except ClusterError as error:
            self.bench.progress(str(error))
            raise NotRun(str(error).splitlines()[0]) from None
        return (
            measured,
            baseline,
            {"bytes": len(before.content), "x_cache": (before.headers.get("X-Cache"), after.headers.get("X-Cache"))},
        )

    def member_reads(self, instances, connections):
        """B6: a member reads B1's page through HAProxy (members pass Varnish) with ``instances`` instances."""
        require("wrk")
        cluster = self.start(instances)
        site = ClusterSite(cluster)
        path = f"/{site.site_id}/{site.place}/{content.PAGE_ID}"
        # Plone leaves 127.0.0.1 unthemed on purpose: the host a browser would name.
        login = requests.post(
            f"{cluster.balancer_url}/{site.site_id}/login",
            data={"__ac_name": site.login, "__ac_password": site.password, "buttons.login": "Log in", "came_from": ""},
            headers={"Host": "localhost"},
            allow_redirects=False,
            timeout=60,
        )
        if login.status_code != 302 or "__ac" not in login.cookies:
            raise BenchError(f"{site.login} cannot log in through HAProxy: {login.status_code}")
        headers = {"Host": "localhost", "Cookie": f"__ac={login.cookies['__ac']}"}
        url = f"{cluster.balancer_url}{path}"
        # The page once from each instance first, so that none starts the warm-up cold (its templates unread).
        for address in (*cluster.instance_urls, cluster.balancer_url):
            page = requests.get(f"{address}{path}", headers=headers, allow_redirects=False, timeout=120)
            if page.status_code != 200 or content.MARKER not in page.text or "logout" not in page.text:
                raise BenchError(f"{site.login} does not read {path} from {address}: {page.status_code}")
        summary = self._phase(
            url,
            f"B6 {instances} instance{'s' if instances > 1 else ''}",
            connections,
            headers=headers,
            marker=content.MARKER,
            watch=cluster.instance_pids,
        )
        self._memory()
        return summary


def provide(bench):
    """``registry.PROVIDERS["cluster"]``: the run's cluster, started when a benchmark first asks."""
    return ClusterBench(bench)

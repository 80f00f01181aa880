"""The two Zope instances the benchmarks compare, each in a throwaway folder, each served by its own waitress.

``MissionPlaceInstance`` is made by ``missionplace-instance`` itself (configure,
create-site with the demo content, generate), as ``make run`` makes one;
``StockInstance`` is a stock Plone 6.2.2 Classic UI site from the same
templates (benchmarks/stock.py).  Both are served by ``runwsgi`` on their
etc/zope.ini, the command ``missionplace-instance serve`` ends in.
"""

from benchmarks import content
from benchmarks import stock
from missionplace_instance.processes import Child
from missionplace_instance.processes import free_port
from pathlib import Path
import os
import requests
import shutil
import signal
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "admin"  # noqa: S105 - the throwaway instances' Zope administrator
DEMO_PASSWORD = "demo"  # noqa: S105 - the demo accounts' documented password


class BenchError(Exception):
    """The benchmarks cannot go on; the message says why."""


class NotRun(Exception):
    """A benchmark cannot run on this machine (a program is missing, the cluster does not start): its row says why."""


def clean_environment():
    """This process's environment without MissionPlace settings (a test run sets some of its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MISSIONPLACE_") and k != "MAILHOST_QUEUE_ONLY"}


def process_memory(pid):
    """Resident and peak resident size of a process, in MiB (VmRSS and VmHWM of /proc/<pid>/status)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _run(command, env, log, timeout=7200):
    """Run a command, its output appended to ``log``; a failure stops the benchmarks with the output's end."""
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(map(str, command))}\n")
        out.flush()
        result = subprocess.run(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if result.returncode:
        tail = "".join(Path(log).read_text().splitlines(keepends=True)[-15:])
        raise BenchError(f"{' '.join(map(str, command[:3]))} failed (exit {result.returncode}), see {log}:\n{tail}")


class Instance:
    """A Zope instance folder made from instance/'s templates, served by runwsgi on a free port."""

    name = "instance"
    site_id = "Plone"

    def __init__(self, home):
        self.home = Path(home).resolve()
        self.port = free_port()
        self.process = None
        self.log = self.home / "bench.log"

    @property
    def url(self):
        # Not 127.0.0.1: Plone leaves that host unthemed on purpose.
        return f"http://localhost:{self.port}"

    @property
    def site_url(self):
        return f"{self.url}/{self.site_id}"

    def env(self):
        env = clean_environment()
        env.update(
            MISSIONPLACE_INSTANCE=str(self.home),
            MISSIONPLACE_HOST="localhost",
            MISSIONPLACE_PORT=str(self.port),
            MISSIONPLACE_ADMIN_PASSWORD=ADMIN_PASSWORD,
        )
        return env

    def copy_templates(self):
        self.home.mkdir(parents=True, exist_ok=True)
        for template in REPO.glob("instance/*"):
            if template.is_file():
                shutil.copy(template, self.home / template.name)

    def configure(self):
        """etc/zope.conf and etc/zope.ini for this run's port (the port changes from run to run)."""
        _run([BIN / "missionplace-instance", "configure", "--instance", self.home], self.env(), self.log)

    def start(self):
        """Serve etc/zope.ini with runwsgi and wait until the site answers."""
        # Stopped with SIGINT, as Ctrl+C: Zope closes its database.
        self.process = Child(
            self.name,
            [BIN / "runwsgi", self.home / "etc" / "zope.ini"],
            self.log,
            env=self.env(),
            stop_signal=signal.SIGINT,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if not self.process.running():
                raise BenchError(f"{self.name} stopped at start-up, see {self.log}")
            try:
                if requests.get(f"{self.site_url}/login", timeout=10).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        self.stop()
        raise BenchError(f"{self.name} did not answer within 180 s, see {self.log}")

    def stop(self):
        if self.process is not None:
            self.process.stop()
            self.process = None

    def memory(self):
        return process_memory(self.process.pid)


class StockInstance(Instance):
    """Stock Plone 6.2.2 (Classic UI), one member and the published page, without MissionPlace's code."""

    name = "stock Plone"
    site_id = "Plone"
    login = stock.MEMBER
    password = stock.MEMBER_PASSWORD

    def prepare(self):
        self.copy_templates()
        (self.home / "site.zcml").write_text(stock.site_zcml())
        self.configure()
        _run(
            [sys.executable, "-m", "benchmarks.stock", "create", self.home / "etc" / "zope.conf", self.site_id],
            self.env(),
            self.log,
        )

    @property
    def page_path(self):
        return f"/{self.site_id}/{content.PAGE_ID}"


class MissionPlaceSite:
    """The accounts, B1's page and REST calls of a MissionPlace site, whatever serves it (``site_url``).

    A single instance on FileStorage (``MissionPlaceInstance``) or the cluster (benchmarks/cluster.py).
    """

    site_id = "missionplace"
    place = "en/candiweb"
    login = "delegate-ken"  # a member of the place (Kenya takes part in CandiWeb)
    password = DEMO_PASSWORD
    editor = "editor-fra"
    moderator = "moderator"

    @property
    def page_path(self):
        return f"/{self.site_id}/{self.place}/{content.PAGE_ID}"

    def api(self, method, path, user, **kwargs):
        return requests.request(
            method,
            f"{self.site_url}/++api++/{path}",
            auth=(user, DEMO_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=120,
            **kwargs,
        )

    def ensure_page(self, page_id=content.PAGE_ID, public=False):
        """B1's page, drafted by a mission editor, submitted, approved by the moderator, over REST; its path.

        ``public``: B4's, which the moderator then makes public (anonymous visitors read it).
        """
        path = f"{self.place}/{page_id}"
        if self._readable(path, public):
            return path
        created = self.api(
            "POST",
            self.place,
            self.editor,
            json={
                "@type": "Document",
                "id": page_id,
                "title": content.TITLE,
                "description": content.DESCRIPTION,
                "text": {"data": content.TEXT, "content-type": "text/html", "encoding": "utf-8"},
            },
        )
        if created.status_code != 201:
            raise BenchError(f"creating the page in {self.place} failed: {created.status_code} {created.text[:300]}")
        steps = [(self.editor, "submit"), (self.moderator, "approve")]
        for user, action in steps + ([(self.moderator, "make_public")] if public else []):
            done = self.api("POST", f"{path}/@workflow/{action}", user)
            if done.status_code != 200:
                raise BenchError(f"{action} of the page failed: {done.status_code} {done.text[:300]}")
        if not self._readable(path, public):
            who = "an anonymous visitor" if public else self.login
            raise BenchError(f"{who} cannot read the {'public' if public else 'published'} page {path}")
        return path

    def _readable(self, path, public):
        if public:
            page = requests.get(f"{self.site_url}/{path}", allow_redirects=False, timeout=120)
            return page.status_code == 200 and content.MARKER in page.text
        return self.api("GET", path, self.login).status_code == 200


class MissionPlaceInstance(MissionPlaceSite, Instance):
    """MissionPlace as ``make run`` makes it (demo content), grown by ``missionplace-instance generate``."""

    name = "MissionPlace"
    # The generated places' Secretariat moderator (missionplace_instance/generate.py): their pending
    # items wait in its queue, and it sees all of their content.
    generated_moderator = "gen-moderator"

    def env(self):
        env = super().env()
        # Mail stays in the queue: B3 counts what the actions queued, and no delivery thread competes.
        env.update(MISSIONPLACE_MAIL_QUEUE=str(self.mail_queue), MAILHOST_QUEUE_ONLY="1")
        return env

    @property
    def mail_queue(self):
        return self.home / "var" / "mailqueue"

    def prepare(self):
        self.copy_templates()
        _run([BIN / "missionplace-instance", "create-site", "--instance", self.home], self.env(), self.log)

    def has_generator(self):
        result = subprocess.run(
            [BIN / "missionplace-instance", "--help"], capture_output=True, text=True, env=self.env(), cwd=REPO
        )
        return "generate" in result.stdout

    def generate(self, items, seed=None):
        command = [BIN / "missionplace-instance", "generate", "--instance", self.home, "--items", str(items)]
        if seed is not None:
            command += ["--seed", str(seed)]
        _run(command, self.env(), self.log)

    def queued_mail(self):
        """Messages waiting in the maildir queue."""
        return sum(len(list((self.mail_queue / part).glob("*"))) for part in ("new", "cur"))

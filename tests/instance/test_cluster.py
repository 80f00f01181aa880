"""`make cluster`, for real: PostgreSQL, two Zope instances on RelStorage, HAProxy and Varnish.

One cluster for the whole module, started by the real command
(``missionplace-instance cluster --instances 2``) in a throwaway instance
folder with its own PostgreSQL, as a new user would start it; the last test
stops it with Ctrl+C and looks for anything left running.  Varnish is the
Debian package's, configured by instance/varnish.vcl.in, and Plone's caching
rules are the profile's (profiles/default/registry/caching.xml).  pytest-xdist
runs a file in one worker (--dist loadfile), so the tests share the cluster in
this order.
"""

from missionplace.security import spam
from missionplace_instance.cluster import INSTANCE_TEMPLATES
from missionplace_instance.processes import free_ports
from pathlib import Path
import base64
import os
import psycopg2
import pytest
import re
import requests
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid


REPO = Path(__file__).resolve().parents[2]
COMMAND = str(Path(sys.executable).with_name("missionplace-instance"))
ADMIN = ("admin", "s3cret-admin")
DEMO = "demo"
FULLNAME = "Éditrice de la Mission de la France"  # editor-fra's (setuphandlers/demo.py)
INSTANCES = 2
START_TIMEOUT = 240
# plone.cachepurging sends its PURGE requests from a thread once the edit has committed.
PURGE_DELAY = 10
# The instances' mail waits in their queues: nothing listens on this address and port.
SMTP = ("127.0.0.1", "9")
ROOM = "/en/candiweb/candidatures"  # where the mission editors of France draft (the demo place)


def process_table():
    """{pid: (parent pid, session id, command line)} of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[3]), command)
    return table


class Running:
    """The cluster command while it runs: its output, its addresses."""

    def __init__(self, home, port):
        self.home = home
        self.port = port
        # Not 127.0.0.1: plone.app.theming leaves that host unthemed on purpose.
        self.url = f"http://localhost:{port}"
        self.site = f"{self.url}/missionplace"
        self.instances = [f"http://127.0.0.1:{port + number}" for number in range(1, INSTANCES + 1)]
        self.balancer = f"http://127.0.0.1:{port + INSTANCES + 1}"
        self.lines = []
        self.ready = threading.Event()
        env = {key: value for key, value in os.environ.items() if not key.startswith("MISSIONPLACE_")}
        env.pop("MAILHOST_QUEUE_ONLY", None)
        env.update(
            MISSIONPLACE_ADMIN_PASSWORD=ADMIN[1],
            MISSIONPLACE_HOST="localhost",
            MISSIONPLACE_SMTP_HOST=SMTP[0],
            MISSIONPLACE_SMTP_PORT=SMTP[1],
        )
        self.process = subprocess.Popen(
            [COMMAND, "cluster", "--instances", str(INSTANCES), "--port", str(port), "--instance", str(home)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            if "ready; Ctrl+C stops everything" in line:
                self.ready.set()
        self.ready.set()

    @property
    def output(self):
        return "".join(self.lines)

    def instance_site(self, number):
        return f"{self.instances[number - 1]}/missionplace"

    def instance_home(self, number):
        return self.home / "var" / "cluster" / f"instance-{number}"

    @property
    def dsn(self):
        """The cluster's own PostgreSQL (cluster.PostgreSQL), on its Unix socket."""
        return f"host={self.home / 'var' / 'cluster' / 'pg'} port=5432 user=postgres dbname=missionplace"

    def environments(self):
        """{instance folder: environment} of the running instances."""
        found = {}
        for pid, command in self.children().items():
            if "runwsgi" in command:
                variables = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                env = dict(v.decode().split("=", 1) for v in variables if b"=" in v)
                found[env["MISSIONPLACE_INSTANCE"]] = env
        return found

    def children(self):
        """{pid: command line} of the command's own child processes."""
        return {pid: command for pid, (parent, _sid, command) in process_table().items() if parent == self.process.pid}

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def cluster():
    # Outside pytest's private temporary folders: as root, PostgreSQL runs as the postgres user,
    # which must reach var/cluster/pg.
    home = Path(tempfile.mkdtemp(prefix="missionplace-cluster-"))
    home.chmod(0o755)
    shutil.copytree(REPO / "instance", home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("var", "etc"))
    running = Running(home, free_ports(INSTANCES + 2))
    try:
        if not running.ready.wait(START_TIMEOUT) or running.process.poll() is not None:
            pytest.fail(f"the cluster did not start within {START_TIMEOUT} s:\n{running.output}")
        yield running
    finally:
        running.stop()
        shutil.rmtree(home, ignore_errors=True)


def api(method, url, auth=ADMIN, **kwargs):
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    return requests.request(method, url, auth=auth, headers=headers, timeout=60, **kwargs)


def new_page(base, title, text, publish=True):
    """A page in /en made by the admin through ``base`` (a site URL), published unless told; its path."""
    name = f"page-{uuid.uuid4().hex[:8]}"
    created = api(
        "POST",
        f"{base}/++api++/en",
        json={"@type": "Document", "id": name, "title": title, "text": {"data": f"<p>{text}</p>"}},
    )
    assert created.status_code == 201, created.text
    if publish:
        published = api("POST", f"{base}/++api++/en/{name}/@workflow/publish")
        assert published.status_code == 200, published.text
    return f"/en/{name}"


def visit(cluster, path, session=None, **kwargs):
    """GET through Varnish, as a browser: anonymous, or with ``session``'s cookies."""
    return (session or requests).get(f"{cluster.site}{path}", allow_redirects=False, timeout=60, **kwargs)


def logged_in(cluster, user):
    """A browser session of ``user`` logged in through the login form, behind Varnish (the __ac cookie)."""
    session = requests.Session()
    response = session.post(
        f"{cluster.site}/en/login",
        data={"__ac_name": user, "__ac_password": DEMO, "buttons.login": "Log in", "came_from": ""},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:500]
    assert "__ac" in session.cookies, "the login form set no session cookie"
    return session


def eventually(check, timeout=PURGE_DELAY):
    """``check()``'s last value once true, or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_the_cluster_answers_through_varnish_and_haproxy_and_every_instance_serves(cluster):
    for address in (cluster.url, cluster.balancer, *cluster.instances):
        assert f"{address}/" in cluster.output, "the topology names every address"

    front = visit(cluster, "/en")
    assert front.status_code == 200
    assert "Welcome to MissionPlace" in front.text
    assert "++theme++barceloneta/css/barceloneta" in front.text
    assert front.headers["X-Cache"] in ("HIT", "MISS")
    assert front.headers["X-Served-By"].startswith("instance-")

    # HAProxy shares the requests out: both instances answer, and members' pages too, through Varnish.
    served = {requests.get(f"{cluster.balancer}/ok", timeout=30).headers["X-Served-By"] for _ in range(10)}
    assert served == {f"instance-{number}" for number in range(1, INSTANCES + 1)}
    served = set()
    for _ in range(10):
        response = api("GET", f"{cluster.site}/++api++/en", auth=("editor-fra", DEMO))
        assert response.status_code == 200
        assert response.headers["X-Cache"] == "PASS"
        served.add(response.headers["X-Served-By"])
    assert served == {f"instance-{number}" for number in range(1, INSTANCES + 1)}


def registry(cluster, name, base=None):
    record = api("GET", f"{base or cluster.site}/++api++/@registry/{name}")
    assert record.status_code == 200, record.text
    return record.json()


def test_each_instance_has_its_own_folder_and_settings_none_in_the_database(cluster):
    environments = cluster.environments()
    assert len(environments) == INSTANCES
    for number in range(1, INSTANCES + 1):
        home = cluster.instance_home(number)
        conf = (home / "etc" / "zope.conf").read_text()
        assert "%import relstorage" in conf
        assert f"%define VAR {home / 'var'}" in conf
        assert "blob-dir $VAR/blobcache" in conf
        # Varnish and HAProxy, on this machine, may tell the visitor's address (X-Forwarded-For).
        assert "\ntrusted-proxy 127.0.0.1\n" in conf
        assert "clear_untrusted_proxy_headers = false" in (home / "etc" / "zope.ini").read_text()
        env = environments[str(home)]
        assert env["MISSIONPLACE_MAIL_QUEUE"] == str(home / "var" / "mailqueue")
        assert env["MISSIONPLACE_CACHE_PROXY"] == cluster.url
        assert env["MISSIONPLACE_TRUSTED_PROXIES"] == "127.0.0.1"
        assert (home / "var" / "log" / "event.log").exists()
    # The proxy the instances purge is theirs, not the shared registry's; so is their SMTP server.
    assert registry(cluster, "plone.cachepurging.interfaces.ICachePurgingSettings.cachingProxies") in ([], None)
    assert (registry(cluster, "plone.smtp_host"), registry(cluster, "plone.smtp_port")) != (SMTP[0], int(SMTP[1]))


def test_an_edit_through_one_instance_is_seen_through_the_other_at_once(cluster):
    first, second = cluster.instance_site(1), cluster.instance_site(2)
    path = new_page(first, "Draft of the agenda", "first reading", publish=False)
    seen = api("GET", f"{second}/++api++{path}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["title"] == "Draft of the agenda"
    changed = api("PATCH", f"{second}/++api++{path}", json={"title": "Agenda, second reading"})
    assert changed.status_code == 204, changed.text
    assert api("GET", f"{first}/++api++{path}").json()["title"] == "Agenda, second reading"
    # A file's blob, written through one instance, read through the other (each has its own blob cache).
    data = os.urandom(100_000)
    created = api(
        "POST",
        f"{first}/++api++/en",
        json={
            "@type": "File",
            "id": f"note-{uuid.uuid4().hex[:8]}",
            "file": {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": "note.pdf"},
        },
    )
    assert created.status_code == 201, created.text
    download = requests.get(f"{second}/en/{created.json()['id']}/@@download/file", auth=ADMIN, timeout=60)
    assert download.status_code == 200
    assert download.content == data


def test_a_public_page_is_cached_for_visitors_and_purged_when_edited_retracted_or_published(cluster):
    path = new_page(cluster.site, "Schedule of meetings", "meets on Tuesdays")
    first = visit(cluster, path)
    assert first.status_code == 200
    assert "meets on Tuesdays" in first.text
    second = visit(cluster, path)
    assert second.headers["X-Cache"] == "HIT", second.headers
    assert "meets on Tuesdays" in second.text
    # Plone lets the proxy keep it (s-maxage) and the browser always ask again; beyond Varnish, no
    # shared cache sees s-maxage (it would keep the page and never be purged).
    behind = requests.get(f"{cluster.balancer}/missionplace{path}", headers={"Host": "localhost"}, timeout=60)
    assert "s-maxage=" in behind.headers["Cache-Control"]
    assert "private" not in behind.headers["Cache-Control"]
    assert "s-maxage" not in second.headers["Cache-Control"]
    assert "max-age=0" in second.headers["Cache-Control"]

    def shows(text):
        return lambda: text in (response := visit(cluster, path)).text and response

    # Edited through one instance: the page is purged, the next visitor sees the new text.
    changed = api(
        "PATCH", f"{cluster.instance_site(2)}/++api++{path}", json={"text": {"data": "<p>meets on Thursdays</p>"}}
    )
    assert changed.status_code == 204
    assert eventually(shows("meets on Thursdays")), "the edit did not purge the cached page"
    assert visit(cluster, path).headers["X-Cache"] == "HIT"

    # Retracted: visitors lose it at once (sent to log in), and that answer is not kept either.
    retracted = api("POST", f"{cluster.instance_site(1)}/++api++{path}/@workflow/retract")
    assert retracted.status_code == 200
    gone = eventually(lambda: (response := visit(cluster, path)).status_code != 200 and response)
    assert gone, "the retraction did not purge the cached page"
    assert gone.status_code in (302, 401, 403)
    assert "meets on" not in gone.text

    # Published again: visitors see it again.
    published = api("POST", f"{cluster.instance_site(1)}/++api++{path}/@workflow/publish")
    assert published.status_code == 200
    assert eventually(shows("meets on Thursdays")), "the publication did not purge the cached refusal"


def test_members_pages_are_never_served_from_the_cache(cluster):
    france, brazil = logged_in(cluster, "editor-fra"), logged_in(cluster, "editor-bra")
    # The working group on informatics: France takes part, Brazil does not, visitors never see it.
    place = "/en/informatics"
    for _ in range(2):
        mine = visit(cluster, place, france)
        assert mine.status_code == 200
        assert mine.headers["X-Cache"] == "PASS"
        assert "private" in mine.headers["Cache-Control"]
        assert "s-maxage" not in mine.headers["Cache-Control"]
        other = visit(cluster, place, brazil)
        assert other.headers["X-Cache"] == "PASS"
        assert other.status_code != 200 or "Informatics" not in other.text
        visitor = visit(cluster, place)
        assert visitor.status_code in (302, 401, 403)
        assert "require_login" in visitor.headers.get("Location", "") or visitor.status_code != 302
        assert "Informatics" not in visitor.text

    # A public page as a member sees it (their name and logout link in the toolbar) is theirs alone:
    # visitors get the anonymous page, which then comes from the cache.
    path = new_page(cluster.site, "Press release", "released today")
    member = visit(cluster, path, france)
    assert member.status_code == 200
    assert member.headers["X-Cache"] == "PASS"
    assert "private" in member.headers["Cache-Control"]
    assert FULLNAME in member.text
    assert "logout" in member.text
    for _ in range(2):
        anonymous = visit(cluster, path)
        assert anonymous.status_code == 200
        assert "released today" in anonymous.text
        assert FULLNAME not in anonymous.text
        assert "logout" not in anonymous.text
    assert anonymous.headers["X-Cache"] == "HIT"
    # Behind the cache too, Plone marks a member's answer private (no shared cache may keep it).
    behind = requests.get(
        f"{cluster.balancer}/missionplace{path}", auth=("editor-fra", DEMO), headers={"Host": "localhost"}, timeout=60
    )
    assert "private" in behind.headers["Cache-Control"]
    assert "s-maxage" not in behind.headers["Cache-Control"]


def test_what_depends_on_the_visitor_is_not_cached_and_resources_are(cluster):
    # Each rendering of the open form carries a one-time token of its own.
    tokens = set()
    for _ in range(2):
        form = visit(cluster, "/en/request-an-account")
        assert form.status_code == 200
        assert form.headers["X-Cache"] != "HIT"
        tokens.add(re.search(rf'name="{spam.TOKEN_FIELD}" value="([^"]+)"', form.text).group(1))
    assert len(tokens) == 2
    # The site's root sends each visitor to their language: Plone lets no shared cache keep that.
    for language in ("fr", "ar", "fr", "zh"):
        redirect = visit(cluster, "", headers={"Accept-Language": language})
        assert redirect.status_code == 302
        assert redirect.headers["Location"].endswith(f"/missionplace/{language}")
    behind = requests.get(
        f"{cluster.balancer}/missionplace",
        headers={"Host": "localhost", "Accept-Language": "fr"},
        allow_redirects=False,
        timeout=60,
    )
    assert "s-maxage" not in behind.headers.get("Cache-Control", "")
    # Theme and static resources: kept long, by the browser and by Varnish.
    stylesheet = re.search(
        r'href="([^"]*\+\+theme\+\+barceloneta/css/barceloneta[^"]*\.css)"', visit(cluster, "/en").text
    )
    url = stylesheet.group(1)
    url = url if url.startswith("http") else f"{cluster.url}{url}"
    requests.get(url, timeout=60)
    resource = requests.get(url, timeout=60)
    assert resource.status_code == 200
    assert resource.headers["X-Cache"] == "HIT"
    assert re.search(r"max-age=(\d+)", resource.headers["Cache-Control"]).group(1) in ("86400", "31536000")


def queued(folder):
    """The messages waiting in a maildir queue (not the links zope.sendmail makes while it sends)."""
    return sorted(
        path.name
        for part in ("new", "cur")
        if (folder / part).is_dir()
        for path in (folder / part).iterdir()
        if not path.name.startswith(".")
    )


def submit_a_draft(base, title):
    """France's mission editor drafts a page in CandiWeb and submits it through ``base``: moderators are told."""
    name = f"draft-{uuid.uuid4().hex[:8]}"
    editor = ("editor-fra", DEMO)
    created = api("POST", f"{base}/++api++{ROOM}", auth=editor, json={"@type": "Document", "id": name, "title": title})
    assert created.status_code == 201, created.text
    submitted = api("POST", f"{base}/++api++{ROOM}/{name}/@workflow/submit", auth=editor)
    assert submitted.status_code == 200, submitted.text


def last_transaction(cluster):
    connection = psycopg2.connect(cluster.dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(tid) FROM transaction")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def queues_after_submitting(queues, base):
    """{name: messages} of ``queues`` before and after a draft is submitted through ``base``."""
    before = {name: queued(folder) for name, folder in queues.items()}
    submit_a_draft(base, "Candidature of France to the Council")
    return before, {name: queued(folder) for name, folder in queues.items()}


def test_each_instance_queues_its_own_mail_and_a_start_writes_nothing(cluster):
    queues = {number: cluster.instance_home(number) / "var" / "mailqueue" for number in (1, 2)}
    for number in (1, 2):
        before, after = queues_after_submitting(queues, cluster.instance_site(number))
        assert len(after[number]) > len(before[number]), f"instance-{number} queued nothing in its folder"
        assert after[3 - number] == before[3 - number], f"instance-{number} queued into the other's folder"

    # A third instance of the site starts as on another machine (`missionplace-instance serve`: the
    # site is checked, then served), with a queue folder and an SMTP server of its own.
    home = cluster.instance_home(3)
    home.mkdir()
    for name in INSTANCE_TEMPLATES:
        shutil.copyfile(cluster.home / name, home / name)
    port = free_ports(1)
    env = dict(cluster.environments()[str(cluster.instance_home(2))])
    queues[3] = home / "var" / "elsewhere"
    env.update(
        MISSIONPLACE_INSTANCE=str(home),
        MISSIONPLACE_PORT=str(port),
        MISSIONPLACE_MAIL_QUEUE=str(queues[3]),
        MISSIONPLACE_SMTP_HOST="127.0.0.2",
        MISSIONPLACE_SMTP_PORT="10",
    )
    smtp = (registry(cluster, "plone.smtp_host"), registry(cluster, "plone.smtp_port"))
    assert smtp not in ((SMTP[0], int(SMTP[1])), ("127.0.0.2", 10))
    last = last_transaction(cluster)
    log = home / "serve.log"
    with open(log, "wb") as out:
        third = subprocess.Popen([COMMAND, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            assert third.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/ok", timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        # Its start wrote nothing into the shared database...
        assert last_transaction(cluster) == last
        # ... and changed nothing the others use: each instance queues in its own folder.
        third_site = f"http://127.0.0.1:{port}/missionplace"
        for number, base in ((1, cluster.instance_site(1)), (3, third_site), (2, cluster.instance_site(2))):
            before, after = queues_after_submitting(queues, base)
            for other in queues:
                grew = len(after[other]) > len(before[other])
                assert grew == (other == number), f"through instance-{number}, {queues[other]} grew: {grew}"
        # Each shows its own queue folder in the ZMI; the database holds none of them.
        for base, folder in ((cluster.instance_site(1), queues[1]), (third_site, queues[3])):
            zmi = requests.get(f"{base}/MailHost/manage_main", auth=ADMIN, timeout=60)
            assert zmi.status_code == 200
            assert f'value="{folder}"' in zmi.text
        assert (registry(cluster, "plone.smtp_host"), registry(cluster, "plone.smtp_port")) == smtp
        assert last_transaction(cluster) > last  # the drafts, submitted: the query sees commits
    finally:
        third.send_signal(signal.SIGINT)
        try:
            third.wait(timeout=60)
        except subprocess.TimeoutExpired:
            third.kill()
            third.wait()


def rest_login(cluster, login, password, forwarded_for=None):
    """REST @login through Varnish, with the X-Forwarded-For the visitor wrote, if any."""
    headers = {"Accept": "application/json", **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    return requests.post(
        f"{cluster.site}/++api++/@login", json={"login": login, "password": password}, headers=headers, timeout=60
    )


def test_failed_logins_count_against_the_visitors_address_not_the_proxies(cluster):
    # A low threshold for this test (a setting all instances share).
    limit = "missionplace.login.max_failures_per_address"
    changed = api("PATCH", f"{cluster.instance_site(1)}/++api++/@registry", json={limit: 3})
    assert changed.status_code == 204, changed.text
    try:
        # The visitor at 203.0.113.10 invents an address on the left; Varnish appends the real one
        # (here written by the test, which cannot change its own) and HAProxy appends Varnish's, 127.0.0.1.
        for attempt in range(3):
            failed = rest_login(cluster, f"nobody-{attempt}", "wrong", f"198.51.100.{attempt}, 203.0.113.10")
            assert failed.status_code == 401
        # That visitor is locked out, right password and all; another visitor, and this machine, are not.
        assert rest_login(cluster, "delegate-ken", DEMO, "203.0.113.10").status_code == 401
        assert rest_login(cluster, "delegate-ken", DEMO, "198.51.100.0").status_code == 200
        assert rest_login(cluster, "delegate-ken", DEMO).status_code == 200
        locks = requests.get(f"{cluster.instance_site(2)}/@@login-locks", auth=ADMIN, timeout=60)
        assert locks.status_code == 200
        assert "203.0.113.10" in locks.text
        assert "198.51.100." not in locks.text
    finally:
        api("PATCH", f"{cluster.instance_site(1)}/++api++/@registry", json={limit: 50})


def test_ctrl_c_stops_every_process(cluster):
    children = cluster.children()
    names = " ".join(children.values())
    for program in ("postgres", "runwsgi", "haproxy", "varnishd"):
        assert program in names, f"{program} is not a child of the cluster command"
    # Each child leads a session of its own, which its own children share (PostgreSQL's backends,
    # Varnish's worker): nothing of those sessions may outlive the command.
    sessions = set(children)
    cluster.process.send_signal(signal.SIGINT)
    assert cluster.process.wait(timeout=120) == 0, cluster.output
    assert "stopped" in cluster.output
    left = {pid: command for pid, (_parent, sid, command) in process_table().items() if sid in sessions}
    assert left == {}, f"still running after Ctrl+C: {left}"
    for port in (cluster.port, *range(cluster.port + 1, cluster.port + INSTANCES + 2)):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"

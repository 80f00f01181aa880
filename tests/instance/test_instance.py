"""`make run`'s instance, end to end: create the site, serve it, move it to RelStorage.

These run the real `missionplace-instance` command in a copy of instance/, as
a new user would, with FileStorage first and then with the same site copied
into PostgreSQL by zodbconvert.
"""

from missionplace_instance.processes import Child
from missionplace_instance.processes import free_port
from missionplace_instance.processes import ServerError
from pathlib import Path
import base64
import os
import pytest
import requests
import shutil
import signal
import subprocess
import sys


REPO = Path(__file__).resolve().parents[2]
COMMAND = str(Path(sys.executable).with_name("missionplace-instance"))
ADMIN = ("admin", "s3cret-admin")


@pytest.fixture(scope="module")
def instance_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("instance")
    shutil.copytree(REPO / "instance", home, dirs_exist_ok=True, ignore=shutil.ignore_patterns("var", "etc"))
    return home


def env_for(home, port, **extra):
    env = dict(os.environ)
    env.update(
        MISSIONPLACE_INSTANCE=str(home),
        MISSIONPLACE_HOST="localhost",
        MISSIONPLACE_PORT=str(port),
        MISSIONPLACE_ADMIN_PASSWORD=ADMIN[1],
    )
    env.pop("MISSIONPLACE_RELSTORAGE_DSN", None)
    env.update(extra)
    return env


def run(command, env):
    result = subprocess.run([COMMAND, command], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Server:
    """``missionplace-instance serve``, its output in a log file (an unread pipe would block it once full)."""

    def __init__(self, env, port, log):
        # Not 127.0.0.1: plone.app.theming leaves that host unthemed on purpose.
        self.url = f"http://localhost:{port}"
        # SIGINT, as Ctrl+C after `make run`: Zope closes its database.
        self.child = Child("the instance", [COMMAND, "serve"], log, env=env, stop_signal=signal.SIGINT)
        try:
            self.child.wait_until_answers(port, "/plone-overview", host="localhost", timeout=180)
        except ServerError as error:
            self.stop()
            pytest.fail(str(error))

    def stop(self):
        self.child.stop()


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(env, port):
        servers.append(Server(env, port, tmp_path / f"serve-{len(servers) + 1}.log"))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_make_run_then_move_to_relstorage(instance_home, pg_dsn, serve):
    port = free_port()
    env = env_for(instance_home, port)

    # First run: the site is created, with progress shown step by step.
    out = run("create-site", env)
    assert "creating the site 'missionplace' with demo content" in out
    assert "applying profile-missionplace:default" in out
    assert (instance_home / "var" / "filestorage" / "Data.fs").exists()
    # Second run reuses the data; a new site has no upgrade step to run.
    out = run("create-site", env)
    assert "exists, reusing its data" in out
    assert "upgrade steps to run" not in out
    assert "at version 1002, nothing to upgrade" in run("upgrade", env)

    server = serve(env, port)
    root = requests.get(server.url + "/", allow_redirects=False, timeout=30)
    assert root.status_code == 302
    assert root.headers["Location"] == server.url + "/missionplace"
    front = requests.get(server.url + "/", timeout=30)
    assert front.status_code == 200
    assert "++theme++barceloneta/css/barceloneta" in front.text
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        assert requests.get(f"{server.url}/missionplace/{language}", timeout=30).status_code == 200

    # A file with a blob, written through the REST API as the admin.
    data = os.urandom(200_000)
    created = requests.post(
        f"{server.url}/missionplace/++api++/en",
        auth=ADMIN,
        headers={"Accept": "application/json"},
        json={
            "@type": "File",
            "id": "note-verbale",
            "title": "Note verbale",
            "file": {
                "data": base64.b64encode(data).decode(),
                "encoding": "base64",
                "filename": "note-verbale.pdf",
                "content-type": "application/pdf",
            },
        },
        timeout=60,
    )
    assert created.status_code == 201, created.text
    server.stop()

    # Copy the FileStorage site into PostgreSQL, then run on RelStorage.
    rel_env = env_for(instance_home, port, MISSIONPLACE_RELSTORAGE_DSN=pg_dsn)
    assert "done" in run("to-relstorage", rel_env)
    assert "exists, reusing its data" in run("create-site", rel_env)
    assert "%import relstorage" in (instance_home / "etc" / "zope.conf").read_text()

    server = serve(rel_env, port)
    page = requests.get(f"{server.url}/missionplace/en", timeout=30)
    assert page.status_code == 200
    assert "Welcome to MissionPlace" in page.text
    download = requests.get(f"{server.url}/missionplace/en/note-verbale/@@download/file", auth=ADMIN, timeout=60)
    assert download.status_code == 200
    assert download.content == data

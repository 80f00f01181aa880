"""Load phases, driven by locust in a process of its own (locust patches the standard library with gevent).

    python -m benchmarks.load SPEC.json RESULT.json     one phase
    python -m benchmarks.load --serve                   phases read from stdin, one "SPEC<TAB>RESULT" a line,
                                                        each answered by a line "done" once RESULT is written
                                                        (saves starting Python and locust for every phase)

SPEC names the scenario, the server, the number of users, the warm-up and the
measured duration, and the scenario's parameters.  The users log in first
(the login form's ``__ac`` cookie for pages, REST ``@login``'s token for REST),
then request without pause; logins and the warm-up (its seconds, and at least
one request per user) are not measured.  RESULT holds, per request name and
in total, the count, the failures, the throughput and the exact 50th, 95th and
99th percentiles of the measured requests; locust's own statistics are written
beside it as CSV (``<csv>_stats.csv``).
"""

from gevent import monkey


monkey.patch_all()

from locust import FastHttpUser  # noqa: E402
from locust import task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402
from locust.stats import StatsCSV  # noqa: E402
import csv  # noqa: E402
import gevent  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402


PERCENTILES = (0.5, 0.95, 0.99)
LOGINS = ("login", "@login")
WARMUP_LIMIT = 120.0
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


class BenchUser(FastHttpUser):
    """A user of one scenario; ``params`` are the scenario's, set before the run."""

    abstract = True
    params: dict = {}  # noqa: RUF012 - set once per process, before any user starts
    # Several requests per user at once never happen: one connection is enough.
    concurrency = 1
    network_timeout = 120.0
    connection_timeout = 60.0

    def login_form(self, login, password):
        """The login form, as a browser posts it: afterwards the client holds the ``__ac`` cookie."""
        site = self.params["site"]
        fields = {"__ac_name": login, "__ac_password": password, "buttons.login": "Log in", "came_from": ""}
        with self.client.post(
            f"{site}/login", data=fields, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "__ac" not in {cookie.name for cookie in self.client.cookiejar}:
                response.failure(f"login as {login} failed: {response.status_code}")
                raise StopUser()

    def login_token(self, login, password):
        """REST ``@login``: the JWT a REST client then sends as ``Authorization: Bearer``."""
        site = self.params["site"]
        with self.client.post(
            f"{site}/++api++/@login",
            json={"login": login, "password": password},
            headers=JSON_HEADERS,
            name="@login",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"@login as {login} failed: {response.status_code}")
                raise StopUser()
            # A REST client sends the token, not the cookie @login also sets (which would make
            # its writes look like a browser's, and MissionPlace asks those for a CSRF token).
            self.client.cookiejar.clear()
            return {**JSON_HEADERS, "Authorization": f"Bearer {response.json()['token']}"}


class PageReader(BenchUser):
    """Logs in through the login form and reads one page (B1, B2's page)."""

    def on_start(self):
        self.login_form(self.params["login"], self.params["password"])

    @task
    def read(self):
        with self.client.get(self.params["path"], name=self.params["name"], catch_response=True) as response:
            markers = self.params["marker"]
            markers = [markers] if isinstance(markers, str) else markers
            if response.status_code != 200 or not any(marker in (response.text or "") for marker in markers):
                response.failure(f"{response.status_code}: not the expected page")


class RestReader(BenchUser):
    """Logs in through REST @login and GETs one JSON resource (B2's REST queue, B5)."""

    def on_start(self):
        self.headers = self.login_token(self.params["login"], self.params["password"])

    @task
    def read(self):
        with self.client.get(
            self.params["path"], headers=self.headers, name=self.params["name"], catch_response=True
        ) as response:
            if response.status_code != 200 or self.params["expect"] not in (response.json() or {}):
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


class ReviewFlow(BenchUser):
    """B3 over REST: a mission editor drafts a page and submits it, the moderator approves it."""

    counter = itertools.count(1)

    def on_start(self):
        self.editor = self.login_token(self.params["editor"], self.params["password"])
        self.moderator = self.login_token(self.params["moderator"], self.params["password"])

    def _post(self, path, headers, name, expected, body=None):
        with self.client.post(path, json=body or {}, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != expected:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return None
            return response.json()

    @task
    def submit_and_approve(self):
        site, host = self.params["site"], self.host
        body = {"@type": "Document", "title": f"Benchmark draft {next(self.counter)}", "text": self.params["text"]}
        created = self._post(f"{site}/++api++/{self.params['container']}", self.editor, "B3 create", 201, body)
        if created is None:
            return
        item = created["@id"].removeprefix(host)
        if self._post(f"{item}/@workflow/submit", self.editor, "B3 submit", 200) is None:
            return
        self._post(f"{item}/@workflow/approve", self.moderator, "B3 approve", 200)


class MembershipChange(BenchUser):
    """B7 over REST: the moderator adds a mission to a place's membership, then removes it (@members)."""

    def on_start(self):
        self.headers = self.login_token(self.params["login"], self.params["password"])

    @task
    def add_and_remove(self):
        place, principal = self.params["place"], self.params["principal"]
        body = {"principal": principal, "role": self.params["role"]}
        with self.client.post(
            f"{place}/@members", json=body, headers=self.headers, name="B7 add", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return
        with self.client.delete(
            f"{place}/@members/{principal}", headers=self.headers, name="B7 remove", catch_response=True
        ) as response:
            if response.status_code != 204:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


SCENARIOS = {"page": PageReader, "rest": RestReader, "review-flow": ReviewFlow, "membership": MembershipChange}


def percentile(ordered, fraction):
    """Nearest-rank percentile of an ordered list (0 when it is empty)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(times, failures, seconds):
    ordered = sorted(times)
    return {
        "requests": len(ordered),
        "failures": failures,
        "rps": len(ordered) / seconds if seconds else 0.0,
        **{f"p{round(p * 100)}": percentile(ordered, p) for p in PERCENTILES},
    }


def run(spec):
    user_class = SCENARIOS[spec["scenario"]]
    user_class.params = spec["params"]
    env = Environment(user_classes=[user_class], host=spec["host"])  # events of its own, for this phase only
    measured = {"on": False}
    times, failures, errors = {}, {}, []

    warm = {"requests": 0}

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        if not measured["on"]:
            if exception is not None:
                errors.append(f"{name}: {exception}")
            elif name not in LOGINS:
                warm["requests"] += 1
            return
        times.setdefault(name, []).append(response_time)
        if exception is not None:
            failures[name] = failures.get(name, 0) + 1
            errors.append(f"{name}: {exception}")

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(spec["users"], spawn_rate=spec["users"])
    gevent.sleep(spec["warmup"])
    # A cold server's first pages can take longer than the warm-up: it lasts until each user has had one.
    deadline = time.monotonic() + WARMUP_LIMIT
    while warm["requests"] < spec["users"] and time.monotonic() < deadline:
        gevent.sleep(0.1)
    env.stats.reset_all()
    measured["on"] = True
    started = time.monotonic()
    gevent.sleep(spec["duration"])
    measured["on"] = False
    seconds = time.monotonic() - started
    with open(spec["csv"] + "_stats.csv", "w", newline="") as out:
        StatsCSV(env, list(PERCENTILES)).requests_csv(csv.writer(out))
    runner.quit()
    everything = [t for name_times in times.values() for t in name_times]
    return {
        "seconds": seconds,
        "users": spec["users"],
        "total": summary(everything, sum(failures.values()), seconds),
        "names": {name: summary(name_times, failures.get(name, 0), seconds) for name, name_times in times.items()},
        "errors": errors[:20],
    }


def phase(spec_path, result_path):
    with open(spec_path) as spec_file:
        result = run(json.load(spec_file))
    with open(result_path, "w") as out:
        json.dump(result, out, indent=2)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--serve"]:
        for line in sys.stdin:
            phase(*line.rstrip("\n").split("\t"))
            print("done", flush=True)
    else:
        phase(*argv[:2])


if __name__ == "__main__":
    main()

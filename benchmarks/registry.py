"""The benchmarks, registered in the order the table lists them.

Each benchmark is a function ``(bench) -> [Row]`` registered with ``@benchmark``.
``per_size`` ones run at every size of the site, the others once at the largest.
One that ``needs`` something gets it from ``bench.need(<need>)``: what
``PROVIDERS[<need>]`` made for this run (the cluster of ``make cluster`` for B4
and B6, benchmarks/cluster.py).  A need without a provider, or one this machine
cannot satisfy (``NotRun``: a program is missing, the cluster does not start),
gives one row that says so, never a figure.
"""

from benchmarks import cluster
from benchmarks import content
from benchmarks.servers import MissionPlaceSite
from dataclasses import dataclass
from dataclasses import field
import os


@dataclass
class Benchmark:
    id: str
    title: str
    goal: str
    run: object
    per_size: bool = False
    needs: str | None = None


@dataclass
class Row:
    """One line of the results table; figures in ms and requests per second, None where there is none."""

    benchmark: str
    what: str
    size: str
    users: int | None
    measured: dict | None = None  # load.summary() of MissionPlace
    baseline: dict | None = None  # load.summary() of the baseline, for ratios
    ratio: str = ""
    goal: str = ""
    verdict: str = ""  # "met", "missed", "n/a" or "not run: ..."
    note: str = ""
    extra: dict = field(default_factory=dict)


REGISTRY = []
# What a benchmark's ``needs`` names, made once per run by ``bench.need`` (and closed at its end).
PROVIDERS = {"cluster": cluster.provide}
# The row of a benchmark whose need has no provider.
NOT_RUN = {"cluster": "not run: needs the cache/cluster (make cluster)"}


def benchmark(id, title, goal, per_size=False, needs=None):
    def register(function):
        REGISTRY.append(Benchmark(id, title, goal, function, per_size, needs))
        return function

    return register


def _ratio(value, reference):
    return value / reference if reference else 0.0


def _verdict(ok):
    return "met" if ok else "missed"


@benchmark(
    "B1",
    "Authenticated member reading a published page in a place, against stock Plone 6.2.2 (same page text)",
    "≥ 0.9× stock's req/s, p95 ≤ 1.1× stock's",
    per_size=True,
)
def b1(bench):
    rows = []
    for users in sorted({1, bench.users}):
        baseline = bench.load(
            bench.stock,
            "page",
            users,
            f"B1 stock {users}u",
            {
                "site": f"/{bench.stock.site_id}",
                "login": bench.stock.login,
                "password": bench.stock.password,
                "path": bench.stock.page_path,
                "marker": content.MARKER,
                "name": "B1 page",
            },
        )
        measured = bench.load(
            bench.mp,
            "page",
            users,
            f"B1 MissionPlace {users}u",
            {
                "site": f"/{bench.mp.site_id}",
                "login": bench.mp.login,
                "password": bench.mp.password,
                "path": bench.mp.page_path,
                "marker": content.MARKER,
                "name": "B1 page",
            },
        )
        throughput = _ratio(measured["rps"], baseline["rps"])
        latency = _ratio(measured["p95"], baseline["p95"])
        rows.append(
            Row(
                "B1",
                "page, logged in",
                bench.size_label,
                users,
                measured,
                baseline,
                ratio=f"{throughput:.2f}× req/s, {latency:.2f}× p95",
                goal="≥ 0.9× req/s, ≤ 1.1× p95",
                verdict=bench.verdict(_verdict(throughput >= 0.9 and latency <= 1.1), measured, baseline),
                note=f"baseline: stock Plone 6.2.2 Classic UI, {bench.stock.page_path}",
            )
        )
    return rows


@benchmark("B2", "The moderator's review queue, one user", "p95 ≤ 300 ms", per_size=True)
def b2(bench):
    mp = bench.mp
    queue = mp.api("GET", "en/@review-queue", bench.reviewer)
    pending = queue.json().get("items_total") if queue.status_code == 200 else None
    rows = []
    for what, scenario, params in (
        (
            "@@review-queue page",
            "page",
            {
                "path": f"/{mp.site_id}/en/@@review-queue",  # The queue's table, or the message that it is empty.
                "marker": ['id="review-queue"', 'id="queue-empty"'],
                "name": "B2 page",
            },
        ),
        (
            "REST @review-queue",
            "rest",
            {"path": f"/{mp.site_id}/++api++/en/@review-queue", "expect": "items", "name": "B2 REST"},
        ),
    ):
        params = {"site": f"/{mp.site_id}", "login": bench.reviewer, "password": mp.password, **params}
        measured = bench.load(mp, scenario, 1, f"B2 {what}", params)
        rows.append(
            Row(
                "B2",
                what,
                bench.size_label,
                1,
                measured,
                goal="p95 ≤ 300 ms",
                verdict=bench.verdict(_verdict(measured["p95"] <= 300), measured),
                note=f"{pending} pending items in {bench.reviewer}'s queue",
                extra={"pending": pending},
            )
        )
    return rows


@benchmark("B3", "Submit and approve over REST, the mail queued, one user", "p95 ≤ 300 ms")
def b3(bench):
    mp = bench.mp
    before = mp.queued_mail()
    result = bench.load(
        mp,
        "review-flow",
        1,
        "B3 REST flow",
        {
            "site": f"/{mp.site_id}",
            "editor": mp.editor,
            "moderator": mp.moderator,
            "password": mp.password,
            "container": mp.place,
            "text": {"data": content.TEXT, "content-type": "text/html", "encoding": "utf-8"},
        },
        whole=True,
    )
    queued = mp.queued_mail() - before
    # The warm-up's flows queue mail too: at least one message per submit and per approval measured.
    approvals = result["names"].get("B3 approve", {}).get("requests", 0)
    mail_ok = queued >= 2 * approvals > 0
    rows = []
    for name, what, goal in (
        ("B3 create", "create a draft (REST POST)", ""),
        ("B3 submit", "@workflow/submit", "p95 ≤ 300 ms"),
        ("B3 approve", "@workflow/approve", "p95 ≤ 300 ms"),
    ):
        measured = result["names"].get(name) or {"requests": 0, "failures": 0, "rps": 0.0, "p50": 0, "p95": 0, "p99": 0}
        ok = measured["p95"] <= 300 and mail_ok
        rows.append(
            Row(
                "B3",
                what,
                bench.size_label,
                1,
                measured,
                goal=goal,
                verdict=bench.verdict(_verdict(ok) if goal else "n/a", measured),
                note=f"mail queued: +{queued} for {approvals} approvals" + ("" if mail_ok else " (too few!)"),
                extra={"queued": queued, "mail_ok": mail_ok},
            )
        )
    return rows


@benchmark(
    "B4", "Anonymous visitor reading a public page through the cache, against nginx", "≥ 0.5× nginx", needs="cluster"
)
def b4(bench):
    measured, baseline, facts = bench.need("cluster").cache_against_static()
    throughput = _ratio(measured["rps"], baseline["rps"])
    verdict = bench.verdict(_verdict(throughput >= 0.5), measured, baseline)
    if facts["x_cache"] != ("HIT", "HIT") and not verdict.startswith("errors"):
        # Then Zope answered, not the cache: not what B4 measures.
        verdict = (
            f"errors: not served from the cache (X-Cache {facts['x_cache'][0]} before, {facts['x_cache'][1]} after)"
        )
    return [
        Row(
            "B4",
            "public page, anonymous, through Varnish",
            "demo",
            measured["connections"],
            measured,
            baseline,
            ratio=f"{throughput:.2f}× req/s",
            goal="≥ 0.5× nginx's req/s",
            verdict=verdict,
            note=(
                f"baseline: nginx serving the same {facts['bytes']} bytes as a static file; the cluster's demo site, "
                f"2 instances; wrk {measured['connections']} connections, {measured['threads']} threads, "
                f"it used {measured['cpu_wrk']:.2f} CPU against Varnish, {baseline['cpu_wrk']:.2f} against nginx "
                f"(machine {measured['machine_busy']:.0%} and {baseline['machine_busy']:.0%} busy, {os.cpu_count()} CPUs)"
            ),
            extra={"x_cache": facts["x_cache"]},
        )
    ]


@benchmark("B5", "Search: @search with SearchableText and a place filter, one user", "p95 ≤ 300 ms", per_size=True)
def b5(bench):
    mp = bench.mp
    place, word = bench.search_terms()
    path = f"/{mp.site_id}/++api++/@search?SearchableText={word}&path=/{mp.site_id}/{place}"
    hits = mp.api("GET", path.split("/++api++/", 1)[1], bench.reviewer).json().get("items_total")
    measured = bench.load(
        mp,
        "rest",
        1,
        "B5 @search",
        {
            "site": f"/{mp.site_id}",
            "login": bench.reviewer,
            "password": mp.password,
            "path": path,
            "expect": "items",
            "name": "B5 @search",
        },
    )
    return [
        Row(
            "B5",
            "@search",
            bench.size_label,
            1,
            measured,
            goal="p95 ≤ 300 ms",
            verdict=bench.verdict(_verdict(measured["p95"] <= 300 and bool(hits)), measured),
            note=f"SearchableText={word}, path=/{place}: {hits} hits",
            extra={"hits": hits},
        )
    ]


@benchmark("B6", "Reads with 2 Zope instances on RelStorage behind the balancer, against 1", "≥ 1.6×", needs="cluster")
def b6(bench):
    provider = bench.need("cluster")
    connections = cluster.member_connections(bench.users)
    # 2 instances first: the 1-instance baseline then finds PostgreSQL's caches warm.
    measured = provider.member_reads(2, connections)
    baseline = provider.member_reads(1, connections)
    throughput = _ratio(measured["rps"], baseline["rps"])
    cores = " + ".join(f"{cpu:.2f}" for cpu in measured["cpu_watched"])
    note = (
        f"{MissionPlaceSite.login} reads B1's page through HAProxy (members pass Varnish), the cluster's demo site; "
        f"wrk {connections} connections; CPU used while measured, of {os.cpu_count()}: 2 instances {cores}, "
        f"wrk {measured['cpu_wrk']:.2f}, machine {measured['machine_busy']:.0%} busy; 1 instance "
        f"{sum(baseline['cpu_watched']):.2f}, wrk {baseline['cpu_wrk']:.2f}, machine {baseline['machine_busy']:.0%} busy"
    )
    if measured["machine_busy"] >= 0.9:
        note += "; with 2 instances the machine's CPUs were the limit"
    return [
        Row(
            "B6",
            "member reads through HAProxy, 2 instances against 1",
            "demo",
            connections,
            measured,
            baseline,
            ratio=f"{throughput:.2f}× req/s",
            goal="≥ 1.6× 1 instance's req/s",
            verdict=bench.verdict(_verdict(throughput >= 1.6), measured, baseline),
            note=note,
        )
    ]


# Missions tried in turn for B7: the first that does not take part in the place yet.
B7_CANDIDATES = ("isl", "mlt", "lux", "mco", "lie", "smr", "and", "fji", "ton", "plw")


@benchmark(
    "B7",
    "A membership change in a place (add a mission, then remove it, REST @members), one user",
    "none (CMFPlone #1942: how it grows with the place)",
    per_size=True,
)
def b7(bench):
    """What a membership change costs as a place grows: it reindexes the security of all the place holds.

    Every item in the place (in its six translations) lists who may view it
    (``allowedRolesAndUsers``), members by name as Plone does for local roles;
    a change of members rewrites that entry on each.  No goal is set: the figure
    is there to show how it grows (README, Performance).
    """
    mp = bench.mp
    members = mp.api("GET", f"{mp.place}/@members", mp.moderator)
    taken = {m.get("principal") for m in members.json().get("items", [])} if members.status_code == 200 else set()
    principal = next((f"mission-{code}" for code in B7_CANDIDATES if f"mission-{code}" not in taken), None)
    held, place = 0, mp.place.split("/", 1)[1]  # the place's path below its language root
    # The six official languages (missionplace.common.languages, not imported: it loads Plone).
    for language in ("ar", "zh", "en", "fr", "ru", "es"):
        found = mp.api("GET", f"@search?path=/{mp.site_id}/{language}/{place}&b_size=1", mp.moderator)
        held += found.json().get("items_total", 0) if found.status_code == 200 else 0
    measured = bench.load(
        mp,
        "membership",
        1,
        "B7 @members",
        {
            "site": f"/{mp.site_id}",
            "login": mp.moderator,
            "password": mp.password,
            "place": f"/{mp.site_id}/++api++/{mp.place}",
            "principal": principal,
            "role": "Delegate",
        },
    )
    return [
        Row(
            "B7",
            "add or remove a member (REST @members)",
            bench.size_label,
            1,
            measured,
            goal="–",
            verdict=bench.verdict("n/a", measured) if principal else "errors: no mission left to add",
            note=f"/{mp.place} and its translations hold {held} items, reindexed at each change",
            extra={"held": held},
        )
    ]

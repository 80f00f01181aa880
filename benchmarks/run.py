"""MissionPlace's benchmarks, side by side with their baselines: ``make bench`` and ``make bench-smoke``.

    python -m benchmarks.run [--sizes 2000,10000,20000] [--users 8] [--duration 60] [--warmup 10]
    python -m benchmarks.run --smoke

In a throwaway folder (benchmarks/.work/, made afresh at every run) it
prepares a MissionPlace instance as ``make run`` does (demo content) and a stock
Plone 6.2.2 Classic UI instance of the same build (benchmarks/stock.py), serves
each with its own waitress, grows the MissionPlace site to each size in turn
with ``missionplace-instance generate --items N`` and drives the benchmarks of
benchmarks/registry.py with locust (benchmarks/load.py); B4 and B6 run on the
cluster of ``make cluster``, loaded by wrk (benchmarks/cluster.py).  It prints progress
lines, then a markdown table with the machine, the date and the commit, and
writes it to benchmarks/RESULTS.md (a smoke run to benchmarks/.work/RESULTS-smoke.md).
Sizes count generated items (an item in one language); ``demo`` is the demo
site without generated content.

Exit status: 0 when every benchmark ran (goals met or not), 1 when the run
could not go on, 2 when requests failed in some phase.
"""

from benchmarks import registry
from benchmarks import report
from benchmarks.servers import BenchError
from benchmarks.servers import MissionPlaceInstance
from benchmarks.servers import NotRun
from benchmarks.servers import REPO
from benchmarks.servers import StockInstance
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html import unescape
import argparse
import json
import re
import shutil
import subprocess
import sys
import time


WORK = REPO / "benchmarks" / ".work"
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SMOKE = {"sizes": "100", "warmup": 1.0, "duration": 3.0}
FULL = {"sizes": "2000,10000,20000", "warmup": 10.0, "duration": 60.0}
GENERATOR_MISSING = (
    "the data generator `missionplace-instance generate` is not there yet "
    "(src/missionplace_instance/generate.py): run with --sizes demo to measure the demo site only"
)


class Bench:
    """What a benchmark function uses: the two instances, the settings, a load phase, the current size."""

    def __init__(self, args, work, mp, stock):
        self.args = args
        self.work = work
        self.mp = mp
        self.stock = stock
        self.users = args.users
        self.size_label = ""
        # Who reads the review queue (B2) and searches (B5): the moderator of the generated places, if any.
        self.reviewer = mp.moderator
        self.started = time.monotonic()
        self.driver = None
        self._search = None
        self._provided = {}
        # Resident sizes of processes other than the two instances (the cluster's), by name: /proc figures.
        self.memory = {}

    def progress(self, message):
        elapsed = time.monotonic() - self.started
        print(f"[bench {int(elapsed // 60):02d}:{int(elapsed % 60):02d}] {message}", flush=True)

    def load(self, instance, scenario, users, label, params, whole=False):
        """One locust phase against ``instance``: its total summary (or the whole result)."""
        slug = re.sub(r"[^a-z0-9]+", "-", f"{label} {self.size_label}".lower()).strip("-")
        (self.work / "csv").mkdir(parents=True, exist_ok=True)
        spec = {
            "scenario": scenario,
            "host": instance.url,
            "users": users,
            "warmup": self.args.warmup,
            "duration": self.args.duration,
            "csv": str(self.work / "csv" / slug),
            "params": params,
        }
        spec_path, result_path = self.work / "csv" / f"{slug}.spec.json", self.work / "csv" / f"{slug}.json"
        spec_path.write_text(json.dumps(spec, indent=2))
        self.progress(f"{label} at size {self.size_label}: {users} user(s), {self.args.duration:g} s…")
        if self.driver is None:
            self.driver = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.load", "--serve"],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        self.driver.stdin.write(f"{spec_path}\t{result_path}\n")
        self.driver.stdin.flush()
        if self.driver.stdout.readline().strip() != "done":
            raise BenchError(f"the load driver (benchmarks/load.py) stopped during {label}; see its messages above")
        result = json.loads(result_path.read_text())
        total = result["total"]
        self.progress(
            f"  {total['requests']} requests, {total['failures']} failed, {total['rps']:.1f} req/s, "
            f"p50 {total['p50']:.0f} ms, p95 {total['p95']:.0f} ms, p99 {total['p99']:.0f} ms"
        )
        for error in result["errors"][:3]:
            self.progress(f"  error: {error}")
        return result if whole else total

    def need(self, what):
        """What ``registry.PROVIDERS[what]`` makes for this run, made once (``close`` closes it)."""
        if what not in self._provided:
            self._provided[what] = registry.PROVIDERS[what](self)
        return self._provided[what]

    def close(self):
        if self.driver is not None:
            self.driver.stdin.close()
            self.driver.wait(timeout=60)
            self.driver = None
        while self._provided:
            self._provided.popitem()[1].close()

    def verdict(self, verdict, *summaries):
        """The goal's verdict, unless requests failed (or none was measured): then that."""
        failed = sum(s["failures"] for s in summaries)
        if failed:
            return f"errors: {failed} requests failed"
        if any(not s["requests"] for s in summaries):
            return "errors: no request measured"
        return verdict

    def search_terms(self):
        """B5's place and word, chosen once (at the first size) and kept, so that sizes compare.

        The place: the English place holding the most items.  The word: the most
        frequent word of 6 letters or more in its first published page.
        """
        if self._search is None:
            mp = self.mp
            base = f"/{mp.site_id}/"

            def search(query):
                return mp.api("GET", f"@search?{query}", self.reviewer).json()

            places = [
                item["@id"].split(base, 1)[1] for item in search(f"portal_type=Place&path={base}en&b_size=200")["items"]
            ]
            sizes = {place: search(f"path={base}{place}&b_size=1")["items_total"] for place in places}
            place = max(places, key=lambda p: (sizes[p], p))
            pages = search(
                f"path={base}{place}&portal_type=Document&review_state=published&sort_on=id&b_size=1&fullobjects=1"
            )
            text = (pages["items"][0].get("text") or {}).get("data", "") if pages["items"] else ""
            words = Counter(w.lower() for w in re.findall(r"[^\W\d_]{6,}", unescape(re.sub(r"<[^>]+>", " ", text))))
            word = min(words.items(), key=lambda kv: (-kv[1], kv[0]))[0] if words else "committee"
            self._search = (place, word)
        return self._search


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", help=f"comma-separated item counts, or demo (default {FULL['sizes']}; smoke {SMOKE['sizes']})"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="a tiny run that proves the harness works, a few seconds per benchmark"
    )
    parser.add_argument(
        "--duration",
        type=float,
        help=f"measured seconds per phase (default {FULL['duration']:g}; smoke {SMOKE['duration']:g})",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help=f"unmeasured seconds before each phase (default {FULL['warmup']:g}; smoke {SMOKE['warmup']:g})",
    )
    parser.add_argument("--users", type=int, default=8, help="users at once where several (B1 runs 1 and this many)")
    parser.add_argument("--seed", type=int, help="the generator's seed (default: its own)")
    parser.add_argument(
        "--only", help="comma-separated benchmark ids (e.g. B1,B5); the others are left out of the table"
    )
    parser.add_argument("--work", help=f"the throwaway folder (default {WORK.relative_to(REPO)})")
    parser.add_argument(
        "--output", help="where to write the table (default benchmarks/RESULTS.md; smoke: <work>/RESULTS-smoke.md)"
    )
    args = parser.parse_args(argv)
    defaults = SMOKE if args.smoke else FULL
    args.sizes = args.sizes or defaults["sizes"]
    args.warmup = defaults["warmup"] if args.warmup is None else args.warmup
    args.duration = defaults["duration"] if args.duration is None else args.duration
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if not sizes or any(s != "demo" and not s.isdigit() for s in sizes):
        parser.error("--sizes: comma-separated numbers of items, or demo")
    args.sizes = sizes
    return args


def run(args):
    work = (REPO / args.work) if args.work else WORK
    output = (REPO / args.output) if args.output else (work / "RESULTS-smoke.md" if args.smoke else RESULTS)
    chosen = [b for b in registry.REGISTRY if not args.only or b.id in args.only.split(",")]
    for folder in ("missionplace", "stock", "csv", "cluster", "cluster-load"):
        shutil.rmtree(work / folder, ignore_errors=True)
    (work / "cluster.log").unlink(missing_ok=True)
    if args.smoke:
        output.unlink(missing_ok=True)  # no earlier table is taken for this run's
    mp, stock = MissionPlaceInstance(work / "missionplace"), StockInstance(work / "stock")
    bench = Bench(args, work, mp, stock)
    if any(size != "demo" for size in args.sizes) and not mp.has_generator():
        raise BenchError(GENERATOR_MISSING)
    info = report.machine()
    bench.progress(f"{info['nproc']} CPUs ({info['cpu']}), {info['ram']}; commit {info['commit']}; working in {work}")
    rows, memory = [], {}
    # The stock instance is made and started while MissionPlace's is created and grown to the first size.
    pool = ThreadPoolExecutor(1)
    bench.progress("preparing stock Plone 6.2.2 (Classic UI) without MissionPlace, in the background…")
    stock_ready = pool.submit(_prepare_and_start, stock)
    try:
        bench.progress("preparing MissionPlace with the demo content (missionplace-instance create-site)…")
        mp.prepare()
        for index, size in enumerate(args.sizes):
            bench.size_label = size
            if size != "demo":
                bench.progress(f"growing the MissionPlace site to {size} generated items…")
                mp.generate(int(size), args.seed)
                bench.reviewer = mp.generated_moderator
            stock_ready.result()
            mp.start()
            try:
                mp.ensure_page()
                last = index == len(args.sizes) - 1
                for b in chosen:
                    if _runnable(b) and (b.per_size or last):
                        try:
                            rows += b.run(bench)
                        except NotRun as why:
                            bench.progress(f"{b.id} not run: {why}")
                            rows.append(registry.Row(b.id, b.title, "–", None, goal=b.goal, verdict=f"not run: {why}"))
                if last:
                    memory = {
                        "MissionPlace instance after the run": _memory(mp.memory()),
                        "stock Plone instance after the run": _memory(stock.memory()),
                    }
            finally:
                mp.stop()
    finally:
        bench.close()
        pool.shutdown(wait=True)
        stock.stop()
    memory.update((name, _memory(figures)) for name, figures in bench.memory.items())
    for b in chosen:
        if not _runnable(b):
            rows.append(registry.Row(b.id, b.title, "–", None, goal=b.goal, verdict=registry.NOT_RUN[b.needs]))
    order = {b.id: i for i, b in enumerate(registry.REGISTRY)}
    rows.sort(key=lambda r: (order[r.benchmark], args.sizes.index(r.size) if r.size in args.sizes else 0))
    settings = {"warmup": f"{args.warmup:g}", "duration": f"{args.duration:g}", "users": args.users}
    text = report.markdown(info, rows, args.sizes, memory, settings, chosen, smoke=args.smoke)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print("\n" + text, flush=True)
    bench.progress(f"written to {output}")
    return 2 if any(r.verdict.startswith("errors") for r in rows) else 0


def _prepare_and_start(stock):
    stock.prepare()
    stock.start()


def _runnable(b):
    return b.needs is None or b.needs in registry.PROVIDERS


def _memory(figures):
    return f"resident {figures['VmRSS']:.0f} MiB (peak {figures['VmHWM']:.0f} MiB)"


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())

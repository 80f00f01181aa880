"""The results as a markdown table, with the machine, the date and the commit they were measured on."""

from datetime import datetime
from importlib.metadata import version
from pathlib import Path
import os
import platform
import re
import shutil
import subprocess


REPO = Path(__file__).resolve().parent.parent


def machine():
    """nproc, CPU model, RAM, OS and Python, the date and the git commit (with a mark when the tree differs)."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    ram_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )

    def git(*args):
        result = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    wrk = shutil.which("wrk")
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout if wrk else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit,
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": f"{ram_kib / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "plone": version("Products.CMFPlone"),
        "locust": version("locust"),
        "wrk": (re.search(r"^wrk (\S+)", wrk_version) or ["", "not installed"])[1],
    }


def _ms(value):
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _figures(summary):
    if not summary:
        return ["–"] * 5
    return [
        f"{summary['rps']:.1f}",
        _ms(summary["p50"]),
        _ms(summary["p95"]),
        _ms(summary["p99"]),
        str(summary["requests"]),
    ]


HEADER = (
    "| Benchmark | What | Size | Users | req/s | p50 ms | p95 ms | p99 ms | requests | "
    "Baseline req/s | Baseline p95 ms | Ratio | Goal | Result | Notes |"
)


def table_rows(rows):
    lines = [HEADER, "|" + "---|" * (HEADER.count("|") - 1)]
    for row in rows:
        baseline = [f"{row.baseline['rps']:.1f}", _ms(row.baseline["p95"])] if row.baseline else ["–", "–"]
        cells = [
            row.benchmark,
            row.what,
            row.size,
            str(row.users) if row.users else "–",
            *_figures(row.measured),
            *baseline,
            row.ratio or "–",
            row.goal or "–",
            row.verdict,
            row.note,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def growth_rows(rows, sizes):
    """p95 per size of each per-size measurement, and how much it grew from the smallest to the largest."""
    if len(sizes) < 2:
        return []
    series = {}
    for row in rows:
        if row.measured and row.size in sizes:
            series.setdefault((row.benchmark, row.what, row.users), {})[row.size] = row.measured["p95"]
    header = (
        "| Benchmark | What | Users | " + " | ".join(f"p95 ms at {size}" for size in sizes) + " | Largest / smallest |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for (benchmark, what, users), by_size in series.items():
        if len(by_size) < 2:
            continue
        first, last = by_size.get(sizes[0]), by_size.get(sizes[-1])
        growth = f"{last / first:.2f}×" if first and last else "–"
        cells = [benchmark, what, str(users), *(_ms(by_size[s]) if s in by_size else "–" for s in sizes), growth]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(info, rows, sizes, memory, settings, registry, smoke=False):
    lines = ["# MissionPlace benchmarks" + (" (smoke run)" if smoke else ""), ""]
    if smoke:
        lines += [
            "A smoke run (`make bench-smoke`): a small site and a few seconds per benchmark, to prove that the",
            "harness works. Its figures are not measurements; `make bench` writes those to benchmarks/RESULTS.md.",
            "",
        ]
    lines += [
        f"- Date: {info['date']}; commit {info['commit']}",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM; {info['os']}; Python {info['python']}",
        f"- Plone {info['plone']}; load by locust {info['locust']} on the same machine (headless, users without pauses)",
        f"- Sizes (generated items): {', '.join(sizes)}; per phase {settings['warmup']} s warm-up (not measured), "
        f"then {settings['duration']} s measured; {settings['users']} users where several",
        "- Each Zope instance: waitress with the threads of instance/zope.ini.in (as `make run`), FileStorage, "
        "its own process; MissionPlace and the baseline are measured one after the other in this same run",
    ]
    if {"B4", "B6"} & {b.id for b in registry}:
        lines += [
            "- B4 and B6: the cluster of `make cluster` on this machine (PostgreSQL, Zope instances on RelStorage "
            "with the same waitress threads, HAProxy, Varnish) with a site of its own holding the demo content "
            f"(size `demo`), loaded by wrk {info['wrk']} (the Users column: its connections, without pauses); "
            "B4's baseline is nginx serving the page's bytes as a static file, B6's the same cluster with 1 instance",
        ]
    lines += [
        "",
        "## Results",
        "",
        *table_rows(rows),
        "",
    ]
    growth = growth_rows(rows, sizes)
    if growth:
        lines += ["## How p95 grows with the size of the site", "", *growth, ""]
    lines += ["## Memory", ""]
    lines += [f"- {name}: {figures}" for name, figures in memory.items()] + [""]
    lines += ["## The benchmarks", ""]
    lines += [f"- **{b.id}** {b.title}. Goal: {b.goal}." for b in registry]
    lines += [
        "",
        "Ratios are MissionPlace / baseline. p50/p95/p99 are exact percentiles of the measured requests (locust's own",
        "CSV statistics, rounded, are in benchmarks/.work/csv/); wrk's (B4, B6) come from its latency histogram, and",
        "its runs' output is in benchmarks/.work/cluster-load/. A result is *missed* when a goal is not met; a phase",
        "with failed requests says so instead of giving a verdict. B3's mail stays in the queue (no delivery thread),",
        "so the queue's growth is counted exactly.",
        "",
    ]
    return "\n".join(lines)

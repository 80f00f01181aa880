"""Load phases driven by wrk (Debian's ``wrk``), where locust would be the bottleneck: the cache, the balancer.

A phase is a warm-up run (not measured), then the measured run.  wrk keeps
``connections`` connections busy without pause from ``threads`` threads; a Lua
``done`` hook (the script below) prints the exact figures of the measured run
as one JSON line: requests, bytes, errors, and the 50th, 95th and 99th
percentiles of wrk's latency histogram (microseconds; ``--latency`` prints no
95th).  With a ``marker``, a ``response`` hook also counts every answer that
is not a 200 holding it: costly in wrk's CPU at tens of thousands of answers
a second, so the cache's phase goes without it and checks the bytes instead.
The CPU that wrk used (``os.wait4``), that the machine and that the servers
used during the measured run are kept, to show what the load itself took
and whether the machine was the limit.
"""

from benchmarks.servers import BenchError
from pathlib import Path
import json
import os
import shutil
import subprocess
import time


RESULT = "BENCH-RESULT "
SCRIPT = """\
-- Written by benchmarks/wrk.py at every phase.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  marker = args[1]
  wrong = 0
end
%(response)s
function done(summary, latency, requests)
  local wrong_total = 0
  for _, thread in ipairs(threads) do
    wrong_total = wrong_total + thread:get("wrong")
  end
  local e = summary.errors
  io.write(string.format(
    '%(result)s{"requests": %%d, "duration_us": %%d, "bytes": %%d, "status_errors": %%d, "socket_errors": %%d, '
      .. '"timeouts": %%d, "wrong": %%d, "p50_us": %%.1f, "p95_us": %%.1f, "p99_us": %%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect + e.read + e.write, e.timeout,
    wrong_total, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
CHECK = """
function response(status, headers, body)
  if status ~= 200 or not string.find(body, marker, 1, true) then
    wrong = wrong + 1
  end
end
"""
# A request that waits longer is an error; Zope on a busy machine may take seconds (wrk's default is 2 s).
TIMEOUT = "60s"
TICKS = os.sysconf("SC_CLK_TCK")


def program():
    """wrk's path, or None."""
    return shutil.which("wrk")


def _machine_ticks():
    """All CPUs' time since boot and its idle part, in clock ticks (/proc/stat)."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return user + nice + system + idle + iowait + irq + softirq + steal, idle + iowait


def _process_ticks(pid):
    """The CPU time a process (all its threads) has used, in clock ticks; 0 once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _run(url, seconds, connections, headers, marker, script, log, watch=()):
    """One wrk run: the parsed result of its ``done`` hook, with the CPU wrk, the machine and ``watch`` used.

    In cores over the run (1.0: one core busy all along): ``cpu_wrk``,
    ``cpu_watched`` (one figure per process id of ``watch``), and
    ``machine_busy``, the busy part of all CPUs (other work on the machine too).
    """
    threads = max(1, min(os.cpu_count() or 1, connections))
    command = [program(), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    command += ["--timeout", TIMEOUT, "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--"] + ([marker] if marker else [])
    with open(log, "a+") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        start = out.tell()
        machine, watched, started = _machine_ticks(), [_process_ticks(pid) for pid in watch], time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        # wait4, not wait: the CPU time of wrk alone.
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.monotonic() - started
        total, idle = (now - before for now, before in zip(_machine_ticks(), machine, strict=True))
        watched = [(_process_ticks(pid) - before) / TICKS / elapsed for pid, before in zip(watch, watched, strict=True)]
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(start)
        output = out.read()
    lines = [line for line in output.splitlines() if line.startswith(RESULT)]
    if process.returncode or not lines:
        raise BenchError(f"wrk failed (exit {process.returncode}) on {url}, see {log}:\n{output[-1500:]}")
    result = json.loads(lines[-1][len(RESULT) :])
    result["threads"] = threads
    result.update(
        cpu_wrk=(usage.ru_utime + usage.ru_stime) / elapsed,
        cpu_watched=watched,
        machine_busy=(total - idle) / total if total else 0.0,
    )
    return result


def phase(url, warmup, duration, connections, folder, name, headers=None, marker=None, least_bytes=0, watch=()):
    """Warm up, then measure ``url``: a summary as ``load.summary`` makes (ms, req/s) and wrk's own figures.

    ``marker``: a string every answer must hold (with a 200), checked by wrk
    on each; ``least_bytes``: the size every answer must have at least (the
    page's body), checked on the total.  Answers that fail either count as
    failed requests.  ``watch``: process ids whose CPU use is measured too.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"{name}.lua"
    script.write_text(SCRIPT % {"response": CHECK if marker else "", "result": RESULT})
    log = folder / f"{name}.log"
    headers = headers or {}
    if warmup > 0:
        _run(url, warmup, connections, headers, marker, script, log)
    result = _run(url, duration, connections, headers, marker, script, log, watch)
    seconds = result["duration_us"] / 1e6
    requests = result["requests"]
    # wrk counts answers other than 2xx and 3xx; with a marker, the script counts every wrong answer.
    wrong = result["wrong"] if marker else result["status_errors"]
    failures = wrong + result["socket_errors"] + result["timeouts"]
    short = least_bytes and result["bytes"] < requests * least_bytes
    if short:
        # Shorter than the page itself: not the page (a redirect, an error): none is taken as a success.
        failures = max(failures, requests)
    return {
        "requests": requests,
        "failures": failures,
        "rps": requests / seconds if seconds else 0.0,
        "p50": result["p50_us"] / 1000,
        "p95": result["p95_us"] / 1000,
        "p99": result["p99_us"] / 1000,
        "connections": connections,
        "bytes_per_answer": result["bytes"] / requests if requests else 0,
        "seconds": seconds,
        "threads": result["threads"],
        # In cores (1.0: one core busy all along), and the busy part of the whole machine.
        "cpu_wrk": result["cpu_wrk"],
        "cpu_watched": result["cpu_watched"],
        "machine_busy": result["machine_busy"],
    }

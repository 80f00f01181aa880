"""Server processes for the cluster, the benchmarks and the tests: free ports, start, wait, stop.

One home for what ``cluster.py``, ``benchmarks/`` and ``tests/instance/``
need of a child server: its output goes to a log file, never to a pipe nobody
reads (a full pipe blocks the server mid-request once its log passes 64 KiB);
it ends with the process that started it; stopping it stops its whole process
group; a failure names the log and quotes its end.
"""

from pathlib import Path
import ctypes
import ctypes.util
import http.client
import os
import signal
import socket
import subprocess
import sys
import time


STARTUP_TIMEOUT = 300
STOP_TIMEOUT = 60
PR_SET_PDEATHSIG = 1


class ServerError(Exception):
    """A server process cannot start or stopped; the message says why and which log to read."""


def port_is_free(host, port):
    with socket.socket() as sock:
        # As the servers bind: connections closed a moment ago (TIME_WAIT) do not hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(count, host="127.0.0.1"):
    """The first of ``count`` consecutive free ports (a cluster takes port, port+1, ... port+count-1)."""
    for _attempt in range(50):
        with socket.socket() as sock:
            sock.bind((host, 0))
            first = sock.getsockname()[1]
        if first + count <= 65535 and all(port_is_free(host, port) for port in range(first, first + count)):
            return first
    raise ServerError(f"no {count} consecutive free ports")


def free_port(host="127.0.0.1"):
    """A free port (the system's choice)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def answers(host, port, path, timeout=5):
    """The HTTP status of GET ``path``, or None while nothing answers."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def tail(path, lines=15):
    try:
        return "".join(Path(path).read_text(errors="replace").splitlines(keepends=True)[-lines:])
    except OSError:
        return ""


_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform.startswith("linux") else None


def _child_setup():
    """In the child, before exec: the stop signals do their default, and it ends with its parent.

    A process started with SIGINT ignored (a shell's background job) passes
    that on to what it runs, and Python then never turns SIGINT into its clean
    shutdown.  Linux sends the child SIGTERM when the process that started it
    dies, however it dies.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """A server process, in a session of its own, its output in ``log`` (never an unread pipe).

    Its own session: a Ctrl+C in the terminal reaches only the cluster's own
    process, which stops the children in order; stopping signals the whole
    process group, so a child's own children (PostgreSQL's backends, Varnish's
    worker) go with it.
    """

    def __init__(self, name, args, log, env=None, user=None, stop_signal=signal.SIGTERM):
        self.name = name
        self.log = Path(log)
        self.stop_signal = stop_signal
        account = {}
        if user is not None:
            # subprocess changes the user before it runs preexec_fn: the death signal survives the change.
            account = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        with open(self.log, "ab") as out:
            out.write(f"\n$ {' '.join(map(str, args))}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [str(arg) for arg in args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_child_setup,
                **account,
            )

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        if self.running():
            try:
                os.killpg(self.process.pid, self.stop_signal)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                self.process.wait()
        # Whatever it left behind in its group (a worker whose parent ended first).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def failure(self, what):
        return ServerError(f"{self.name} {what} (see {self.log}):\n{tail(self.log)}")

    def wait_until_answers(self, port, path, host="127.0.0.1", timeout=STARTUP_TIMEOUT):
        """Until GET ``path`` on ``port`` gets any HTTP answer: a ServerError if the process stops or takes too long."""
        deadline = time.monotonic() + timeout
        while answers(host, port, path) is None:
            if not self.running():
                raise self.failure(f"stopped (exit {self.process.returncode})")
            if time.monotonic() > deadline:
                raise self.failure(f"did not answer on port {port} within {timeout} s")
            time.sleep(0.5)

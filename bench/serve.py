"""Start and stop `make serve` (gunicorn + Celery worker + beat) for the load and fault scripts.

Every process it starts is remembered by id and ended by id (its own process groups):
``stop()`` sends SIGTERM to the `make serve` process group (honcho then stops gunicorn,
the worker and beat), waits, and SIGKILLs whatever of its descendants is still alive.
Nothing else on the machine is touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children() -> dict[int, list[int]]:
    """ppid -> [pid, ...] for every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree = _children()
    found, todo = [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_tree(root: int, *, grace: float = 20.0) -> None:
    """SIGTERM the process group of ``root`` (and the groups of its descendants), wait up
    to ``grace`` seconds, then SIGKILL every descendant still alive."""
    pids = [root, *descendants(root)]
    groups = set()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(pid))
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    for pid in [*pids, *descendants(root)]:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def serve_env(
    *,
    database_url: str,
    broker_url: str,
    port: int,
    workers: int,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


class Serve:
    """`make serve` in its own process group, its output in ``log_path``."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        port: int,
        log_path: Path,
        processes: str = "",
        cwd: Path = ROOT,
    ):
        """``cwd``: the checkout to run `make serve` in (another worktree for a baseline)."""
        self.env, self.port, self.log_path, self.processes = env, port, log_path, processes
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self.known: dict[int, str] = {}  # every descendant seen (pid -> command line)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> Serve:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log = log
        args = ["make", "--no-print-directory", "serve"]
        if self.processes:
            args.append(f"PROCESSES={self.processes}")
        self.proc = subprocess.Popen(
            args,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def wait_ready(self, timeout: float = 240.0) -> float:
        """Wait until the login page answers 200; returns the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(
                    f"make serve exited ({self.proc.returncode}); see {self.log_path}"
                )
            try:
                if httpx.get(f"{self.url}/masuk/", timeout=5).status_code == 200:
                    self._remember(descendants(self.proc.pid))
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"make serve not ready after {timeout:.0f} s; see {self.log_path}")

    def pids(self, *words: str) -> list[int]:
        """Descendants whose command line holds every word (e.g. "celery", "worker")."""
        if not self.proc:
            return []
        found = descendants(self.proc.pid)
        self._remember(found)
        return [p for p in found if all(w in cmdline(p) for w in words)]

    def _remember(self, pids: list[int]) -> None:
        for pid in pids:
            self.known.setdefault(pid, cmdline(pid))

    def stop(self) -> None:
        if self.proc:
            self._remember(descendants(self.proc.pid))
            if self.proc.poll() is None:
                kill_tree(self.proc.pid)
            # Anything seen earlier and re-parented after make exited (same command line,
            # so never a recycled pid of someone else's process).
            for pid, line in self.known.items():
                if alive(pid) and cmdline(pid) == line:
                    kill_tree(pid, grace=5.0)
        if self.proc:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "_log", None):
            self._log.close()

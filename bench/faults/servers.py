"""Fault tests (bench.faults): the servers the script runs on its own (PostgreSQL,
Redis, the worker), a direct database reader and a browser-like session."""

from __future__ import annotations

import datetime
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

import httpx

from bench.load import CSRF_RE, TRACEBACK_MARKERS
from bench.serve import ROOT, kill_tree

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CELERY = str(ROOT / ".venv" / "bin" / "celery")
PASSWORD = "bench-pass-2025"
OUT = ROOT / "bench" / "out"
REDIS_MESSAGE = "Antrian tugas (Redis)"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


class Results:
    def __init__(self) -> None:
        self.checks: list[dict] = []

    def check(self, name: str, ok: bool, **measured) -> bool:
        self.checks.append({"check": name, "ok": bool(ok), **measured})
        numbers = ", ".join(f"{k}={v}" for k, v in measured.items())
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {numbers}", flush=True)
        return ok

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.checks)


# --- our own PostgreSQL and Redis ---------------------------------------------------------
class Postgres:
    """A throwaway PostgreSQL 15 cluster in ``root`` on ``port`` (never the shared one)."""

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data, self.sock, self.log = root / "data", root / "sock", root / "postgres.log"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)

    def init(self) -> None:
        self.root.mkdir(parents=True)
        self.sock.mkdir()
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sock):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )

    def start(self) -> float:
        started = time.monotonic()
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sock}"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


class Redis:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.proc: subprocess.Popen | None = None
        root.mkdir(parents=True)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.root),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--logfile",
                str(self.root / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ping = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"],
                capture_output=True,
                text=True,
                check=False,
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # a clean shutdown: the AOF is kept
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Worker:
    """The Procfile's worker line, run on its own process group so it can be SIGKILLed."""

    def __init__(self, env: dict[str, str], log_path: Path):
        line = next(
            raw.split(":", 1)[1].strip()
            for raw in (ROOT / "Procfile").read_text().splitlines()
            if raw.startswith("worker:")
        )
        self.command, self.env, self.log_path = line, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            ["bash", "-c", f"exec {self.command}"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def kill9(self) -> None:
        """SIGKILL the worker's main process and its pool children (its process group)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            kill_tree(self.proc.pid)
        if getattr(self, "_log", None):
            self._log.close()


# --- the database, read directly ----------------------------------------------------------
class Db:
    def __init__(self, url: str):
        import psycopg2

        self.url, self.psycopg2 = url, psycopg2

    def rows(self, sql: str, params=()) -> list[tuple]:
        conn = self.psycopg2.connect(self.url, connect_timeout=5)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def one(self, sql: str, params=()):
        return self.rows(sql, params)[0][0]

    def counts(self) -> dict:
        return {
            "families": self.one("SELECT count(*) FROM households_household"),
            "members": self.one("SELECT count(*) FROM households_member"),
            "duplicate_nik": self.one(
                "SELECT count(*) FROM (SELECT nik FROM households_member "
                "GROUP BY nik HAVING count(*) > 1) d"
            ),
        }


# --- a browser-like session ---------------------------------------------------------------
class Session:
    def __init__(self, url: str, username: str, timeout: float = 30):
        self.client = httpx.Client(base_url=url, follow_redirects=False, timeout=timeout)
        self.username = username

    def login(self) -> None:
        page = self.client.get("/masuk/")
        data = {
            "csrfmiddlewaretoken": csrf(page.text),
            "username": self.username,
            "password": PASSWORD,
            "next": "",
        }
        response = self.client.post("/masuk/", data=data)
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.username} failed: {response.status_code}")

    def post(self, path: str, data: dict, *, form_page: str, files=None) -> httpx.Response:
        """POST the form found on ``form_page`` (its CSRF token) with ``data``."""
        page = self.client.get(form_page)
        return self.client.post(
            path, data={"csrfmiddlewaretoken": csrf(page.text), **data}, files=files
        )

    def close(self) -> None:
        self.client.close()


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def clean_page(response: httpx.Response) -> bool:
    return not any(marker in response.text for marker in TRACEBACK_MARKERS)


def wait_until(predicate, *, timeout: float, every: float = 1.0, what: str = ""):
    """Poll ``predicate`` until it returns something truthy; (value, seconds) or (None, s)."""
    started = time.monotonic()
    while True:
        value = predicate()
        elapsed = time.monotonic() - started
        if value or elapsed > timeout:
            if not value and what:
                log(f"gave up waiting for {what} after {elapsed:.0f} s")
            return value, elapsed
        time.sleep(every)


# --- the setup ----------------------------------------------------------------------------

"""Fault tests: PostgreSQL restarted, Redis stopped, the Celery worker killed, under `make serve`.

    sudo-less root shell on the project machine:
    .venv/bin/python -m bench.faults                  # all three, about 10-15 minutes
    .venv/bin/python -m bench.faults --only redis     # one of: postgres, redis, worker

It never touches the shared PostgreSQL (5432) or Redis (6379). Everything runs on
loopback, on servers it starts itself in a temporary folder:

* its own PostgreSQL 15 cluster (``initdb`` as the ``postgres`` OS user when run as root)
  on a free port, seeded with ``bench/seed.py --families 20000 --region 34.02``;
* its own ``redis-server`` on a free port, append-only file on (a broker must keep its
  queue across a restart);
* `make serve PROCESSES="web beat"` (gunicorn, WEB_CONCURRENCY=2, and beat) and the
  Procfile's worker command run on its own, so the script can SIGKILL and restart the
  worker like a process supervisor would (honcho stops everything when one process dies).

Checks (each prints PASS/FAIL with the measured numbers; exit status 1 on any FAIL):

a. ``postgres``: 6 facilitators browse and save visits (0.2-1 s think time) while
   PostgreSQL is restarted (``pg_ctl restart -m fast``). Every request gets an answer
   within the timeout: 2xx/3xx, or the clean 503 page (no traceback); gunicorn and beat
   survive; the first good page after PostgreSQL is back comes within 5 s; every visit is
   all-or-nothing (a visit row exists if and only if its audit row does), and every POST
   that failed, sent again with the same form (same ``client_token``), gives exactly one
   visit.
b. ``redis``: Redis stopped (SIGTERM). Pages still answer 200 (latency measured against
   the same pages just before); a supervisor's "regenerate team reports" and an admin's
   roster upload answer with the clear "Antrian tugas (Redis) ..." message (no 500); once
   Redis is back, "Lanjutkan" and "Ulangi impor" complete both (every report made once,
   the families imported once).
c. ``worker``: the worker SIGKILLed (its whole process group) during the write of a roster
   import and during a report run for every facilitator, then started again. The import
   page turns from "importing" to failed ("nothing was written") once the heartbeat is
   stale, the registry is unchanged, "Ulangi impor" imports it once; the report items the
   dead worker held show "Terhenti" once past the time limit, the watchdog task (run as
   beat would) requeues them, the run completes with one report per facilitator.

Every process and the temporary folder are removed at the end, also on Ctrl-C or an
error (try/finally and a SIGTERM handler).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import httpx

from bench.common import percentile
from bench.load import CSRF_RE, INPUT_RE, TRACEBACK_MARKERS, Recorder, VirtualUser
from bench.serve import ROOT, Serve, free_port, kill_tree, serve_env

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
class Stack:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="pkh-faults-"))
        os.chmod(self.tmp, 0o711)  # noqa: S103 - the postgres OS user must reach its folder
        self.pg = Postgres(self.tmp / "pg", free_port())
        self.redis = Redis(self.tmp / "redis", free_port())
        self.port = free_port()
        self.serve: Serve | None = None
        self.worker: Worker | None = None
        self.database_url = self.pg.url("pkh_faults")
        self.db = Db(self.database_url)
        self.stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")

    def env(self) -> dict[str, str]:
        return serve_env(
            database_url=self.database_url,
            broker_url=self.redis.url(0),
            port=self.port,
            workers=self.args.workers,
            extra={
                "DJANGO_SECRET_KEY": self.secret,
                "DJANGO_SETTINGS_MODULE": "pkh.settings.production",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_COOKIES": "false",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
                "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
                "PKH_PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
                "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
                # Short limits so a dead worker's report shows "Terhenti" within the test
                # (production: 120/180 s and 30 minutes).
                "PKH_REPORT_SOFT_TIME_LIMIT": "20",
                "PKH_REPORT_TIME_LIMIT": "30",
                "PKH_REPORT_STALL_MINUTES": "1",
                "CELERY_CONCURRENCY": "2",
                "DATABASE_CONN_MAX_AGE": str(self.args.conn_max_age),
            },
        )

    def up(self) -> None:
        self.secret = secrets.token_urlsafe(40)
        log(f"temporary folder {self.tmp}")
        self.pg.init()
        self.pg.start()
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg.port),
                "-U",
                "postgres",
                "pkh_faults",
            ],
            check=True,
        )
        log(
            f"own PostgreSQL on 127.0.0.1:{self.pg.port}; seeding "
            f"{self.args.families} families (region 34.02)"
        )
        env = {**self.env(), "DJANGO_SETTINGS_MODULE": "pkh.settings.base", "DJANGO_DEBUG": "false"}
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.seed",
                "--families",
                str(self.args.families),
                "--facilitators",
                str(self.args.facilitators),
                "--region",
                "34.02",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=1200,
        )
        log(f"seeded in {time.monotonic() - started:.0f} s")
        self.redis.start()
        log(f"own Redis on 127.0.0.1:{self.redis.port} (append-only file on)")
        self.start_web()
        self.worker = Worker(self.env(), OUT / f"faults-{self.stamp}-worker.log")
        self.worker.start()
        self.wait_worker()

    def start_web(self) -> None:
        self.serve = Serve(
            env=self.env(),
            port=self.port,
            processes="web beat",
            log_path=OUT / f"faults-{self.stamp}-serve.log",
        ).start()
        log(f"make serve PROCESSES='web beat' on {self.serve.url}")
        log(f"ready after {self.serve.wait_ready(timeout=300):.0f} s")

    def wait_worker(self, timeout: float = 120) -> float:
        """Seconds until the worker answers a ping task through Redis."""
        started = time.monotonic()
        env = self.env()
        while time.monotonic() - started < timeout:
            ping = subprocess.run(
                [CELERY, "-A", "pkh", "inspect", "ping", "--timeout", "2"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if "pong" in ping.stdout:
                return time.monotonic() - started
            time.sleep(1)
        raise RuntimeError("the Celery worker did not answer")

    def down(self) -> None:
        for step in (
            lambda: self.worker and self.worker.stop(),
            lambda: self.serve and self.serve.stop(),
            self.redis.stop,
            lambda: self.pg.running() and self.pg.stop("immediate"),
            lambda: shutil.rmtree(self.tmp, ignore_errors=True),
        ):
            try:
                step()
            except Exception as exc:  # clean up the rest regardless
                log(f"cleanup: {type(exc).__name__}: {exc}")

    def session(self, username: str) -> Session:
        session = Session(self.serve.url, username)
        session.login()
        return session

    def celery_call(self, task: str) -> None:
        subprocess.run(
            [CELERY, "-A", "pkh", "call", task],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=60,
        )


def last_quarter() -> str:
    today = datetime.date.today()
    q = (today.month - 1) // 3  # the quarter that has ended (0 means Q4 of last year)
    return f"{today.year}Q{q}" if q else f"{today.year - 1}Q4"


def roster(stack: Stack, families: int, prefix: str) -> Path:
    """A roster CSV of new families for the seeded region and facilitators."""
    from bench.gen_roster import generate

    names = [
        u
        for (u,) in stack.db.rows(
            "SELECT username FROM accounts_user WHERE role = 'facilitator' ORDER BY username LIMIT 20"
        )
    ]
    path = stack.tmp / f"roster-{prefix}.csv"
    generate(
        str(path),
        families,
        prefix=prefix,
        regency="34.02",
        facilitator_names=names,
        reject_rate=0.0,
        seed=int(prefix),
    )
    return path


def upload(admin: Session, path: Path) -> httpx.Response:
    with open(path, "rb") as fh:
        return admin.post(
            "/impor/baru/",
            {"mode": "skip_invalid", "sheet": ""},
            form_page="/impor/baru/",
            files={"file": (path.name, fh, "text/csv")},
        )


def import_row(stack: Stack, pk: int) -> dict:
    row = stack.db.rows(
        "SELECT status, error, started_at IS NOT NULL, households_created, members_created "
        "FROM imports_rosterimport WHERE id = %s",
        [pk],
    )[0]
    return dict(
        zip(
            ("status", "error", "started", "households_created", "members_created"),
            row,
            strict=True,
        )
    )


def import_id(response: httpx.Response) -> int:
    match = re.search(r"/impor/(\d+)/", response.headers.get("location", ""))
    if not match:
        raise RuntimeError(f"upload did not redirect to an import: {response.status_code}")
    return int(match.group(1))


def run_row(stack: Stack, pk: int) -> dict:
    row = stack.db.rows(
        "SELECT status, total, done_count, failed_count, error "
        "FROM reports_reportrun WHERE id = %s",
        [pk],
    )[0]
    return dict(zip(("status", "total", "done", "failed", "error"), row, strict=True))


def reports_for(stack: Stack, quarter: str) -> tuple[int, int]:
    """(reports, distinct facilitators) of the quarter."""
    return stack.db.rows(
        "SELECT count(*), count(DISTINCT facilitator_id) FROM reports_progressreport "
        "WHERE quarter = %s",
        [quarter],
    )[0]


# --- a. PostgreSQL restarted under load ---------------------------------------------------
async def fault_postgres(stack: Stack, res: Results) -> None:
    log("a. PostgreSQL restart under a light load")
    args = SimpleNamespace(
        think_min=0.2,
        think_max=1.0,
        timeout=stack.args.timeout,
        tag=f"[uji-gangguan {uuid.uuid4().hex[:8]}]",
    )
    rec = Recorder()
    names = [
        u
        for (u,) in stack.db.rows(
            "SELECT username FROM accounts_user WHERE role = 'facilitator' ORDER BY username LIMIT 6"
        )
    ]
    users = [
        VirtualUser(
            username=u,
            role="facilitator",
            url=stack.serve.url,
            rec=rec,
            args=args,
            rng=random.Random(i),
        )
        for i, u in enumerate(names)
    ]
    for vu in users:
        assert await vu.login()
    # A probe that asks for the caseload every 0.25 s, to time the outage and recovery.
    probe = users[0]
    probe_log: list[tuple[float, int]] = []
    window = 40.0
    rec.samples, rec.window_start = [], time.monotonic()
    deadline = rec.window_start + window
    pg_times: dict[str, float] = {}

    async def probing():
        async with httpx.AsyncClient(
            base_url=stack.serve.url, cookies=probe.client.cookies, timeout=args.timeout
        ) as client:
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    status = (await client.get("/keluarga/")).status_code
                except httpx.HTTPError:
                    status = 0
                probe_log.append((started - rec.window_start, status))
                await asyncio.sleep(0.25)

    family = stack.db.one(
        "SELECT h.id FROM households_household h JOIN accounts_user u ON u.id = h.facilitator_id "
        "WHERE u.username = %s ORDER BY h.id LIMIT 1",
        [probe.username],
    )
    visit_path = f"/keluarga/{family}/kunjungan/baru/"
    outage_post: list[int] = []

    async def restart():
        await asyncio.sleep(12)
        # A facilitator has the visit form open when the database goes away, and submits it.
        form = (await probe.client.get(visit_path)).text
        data = {
            "csrfmiddlewaretoken": CSRF_RE.search(form).group(1),
            "date": re.search(INPUT_RE.format("date"), form).group(1),
            "purpose": "verifikasi",
            "notes": f"Dikirim saat basis data mati. {args.tag}",
            "follow_up_date": "",
            "client_token": re.search(INPUT_RE.format("client_token"), form).group(1),
        }
        pg_times["stop"] = time.monotonic() - rec.window_start
        await asyncio.to_thread(stack.pg.stop, "fast")
        pg_times["stopped"] = time.monotonic() - rec.window_start
        response = await probe.client.post(visit_path, data=data)
        outage_post.append(response.status_code)
        record = {
            "token": data["client_token"],
            "household": family,
            "user": probe.username,
            "data": data,
        }
        if response.status_code == 302:
            rec.saved_visits.append(record)
        else:
            rec.failed_visit_posts.append(record)
        await asyncio.sleep(stack.args.pg_down)  # the database stays down this long
        await asyncio.to_thread(stack.pg.start)
        pg_times["ready"] = time.monotonic() - rec.window_start

    await asyncio.gather(restart(), probing(), *(vu.run(deadline) for vu in users[1:]))
    samples = rec.samples
    bad = [s for s in samples if s.status == 0 or "traceback" in s.error]
    unclean = [s for s in samples if s.status >= 400 and s.status not in (500, 503)]
    failed = [s for s in samples if s.status in (500, 503)]
    res.check(
        "a1 every request answered within the timeout, errors are the clean 503/500 page",
        not bad and not unclean and max(s.ms for s in samples) < stack.args.timeout * 1000,
        requests=len(samples),
        answered_503_or_500=len(failed),
        no_answer_or_traceback=len(bad),
        other_4xx_5xx=len(unclean),
        max_ms=round(max(s.ms for s in samples)),
        p95_ms=round(percentile([s.ms for s in samples], 95)),
        db_down_s=round(pg_times["ready"] - pg_times["stop"], 1),
    )
    ready = pg_times["ready"]
    first_ok = next((t for t, status in probe_log if t >= ready and status == 200), None)
    errors_after = [t for t, status in probe_log if t > (first_ok or 1e9) and status != 200]
    res.check(
        "a2 the app recovers within 5 s after PostgreSQL is back",
        first_ok is not None and first_ok - ready <= 5 and not errors_after,
        recovery_s=round(first_ok - ready, 2) if first_ok is not None else None,
        probe_errors_after_recovery=len(errors_after),
        probe_503s=sum(1 for _, status in probe_log if status == 503),
    )
    web_alive = bool(stack.serve.pids("gunicorn")) and bool(stack.serve.pids("celery", "beat"))
    worker_alive = stack.worker.proc.poll() is None
    res.check(
        "a3 gunicorn, beat and the worker survive the restart",
        web_alive and worker_alive and stack.serve.proc.poll() is None,
        web_and_beat=web_alive,
        worker=worker_alive,
    )

    # Resubmit every visit POST that failed, with the same form (client_token).
    # Twice: a second resubmission (a double tap) must not add a visit either.
    resubmitted = []
    for record in rec.failed_visit_posts * 2:
        vu = next(v for v in users if v.username == record["user"])
        response = await vu.client.post(
            f"/keluarga/{record['household']}/kunjungan/baru/", data=record["data"]
        )
        resubmitted.append(response.status_code)
    for vu in users:
        await vu.close()
    tokens = [r["token"] for r in rec.saved_visits + rec.failed_visit_posts]
    rows = stack.db.rows(
        "SELECT v.client_token::text, count(*), count(h.history_id) FROM households_visit v "
        "LEFT JOIN households_historicalvisit h ON h.id = v.id AND h.history_type = '+' "
        "WHERE v.client_token = ANY(%s::uuid[]) GROUP BY 1",
        [tokens],
    )
    found = {token: (n, history) for token, n, history in rows}
    orphans = stack.db.one(
        "SELECT count(*) FROM households_historicalvisit h WHERE h.history_type = '+' "
        "AND h.notes LIKE %s AND NOT EXISTS (SELECT 1 FROM households_visit v WHERE v.id = h.id)",
        [f"%{args.tag}"],
    )
    res.check(
        "a4 no half-written visit; failed POSTs resubmitted give exactly one visit",
        all(found.get(t) == (1, 1) for t in tokens)
        and orphans == 0
        and outage_post == [503]
        and all(code == 302 for code in resubmitted),
        post_during_outage=outage_post,
        visits_saved=len(rec.saved_visits),
        posts_failed_then_resubmitted=len(rec.failed_visit_posts),
        resubmit_statuses=sorted(set(resubmitted)),
        exactly_once_with_history=sum(1 for t in tokens if found.get(t) == (1, 1)),
        of=len(tokens),
        history_rows_without_visit=orphans,
    )


# --- b. Redis stopped ---------------------------------------------------------------------
def fault_redis(stack: Stack, res: Results) -> None:
    log("b. Redis stopped")
    facilitator = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'facilitator' ORDER BY username LIMIT 1"
        )
    )
    supervisor = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'supervisor' ORDER BY username LIMIT 1"
        )
    )
    admin = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'admin' ORDER BY username LIMIT 1"
        )
    )
    family = stack.db.one(
        "SELECT h.id FROM households_household h JOIN accounts_user u ON u.id = h.facilitator_id "
        "WHERE u.username = %s ORDER BY h.id LIMIT 1",
        [facilitator.username],
    )
    pages = ["/", "/keluarga/", f"/keluarga/{family}/", "/keluarga/?status=active&urut=kunjungan"]

    def timed_pages(n: int = 5) -> tuple[list[float], list[int]]:
        times, statuses = [], []
        for _ in range(n):
            for path in pages:
                started = time.monotonic()
                response = facilitator.client.get(path)
                times.append((time.monotonic() - started) * 1000)
                statuses.append(response.status_code if clean_page(response) else -1)
        return times, statuses

    before, _ = timed_pages()
    path = roster(stack, 200, "0038")
    families_before = stack.db.counts()["families"]
    stack.redis.stop()
    log("Redis stopped")
    during, statuses = timed_pages()
    res.check(
        "b1 pages work with Redis down",
        all(s == 200 for s in statuses),
        requests=len(statuses),
        non_200=sum(1 for s in statuses if s != 200),
        p50_ms_before=round(percentile(before, 50)),
        p50_ms_during=round(percentile(during, 50)),
        p95_ms_before=round(percentile(before, 95)),
        p95_ms_during=round(percentile(during, 95)),
    )
    quarter = last_quarter()
    started = time.monotonic()
    response = supervisor.post("/laporan/tim/", {"triwulan": quarter}, form_page="/laporan/tim/")
    report_ms = (time.monotonic() - started) * 1000
    shown = supervisor.client.get(response.headers.get("location", "/laporan/tim/")).text
    run_pk = stack.db.one("SELECT max(id) FROM reports_reportrun")
    run = run_row(stack, run_pk) if run_pk else {}
    res.check(
        "b2 a report run started with Redis down answers with a clear message",
        response.status_code == 302 and REDIS_MESSAGE in shown and run.get("status") == "failed",
        status=response.status_code,
        answer_ms=round(report_ms),
        message_shown=REDIS_MESSAGE in shown,
        run_status=run.get("status"),
    )
    started = time.monotonic()
    response = upload(admin, path)
    upload_ms = (time.monotonic() - started) * 1000
    imp = import_id(response) if response.status_code == 302 else None
    shown = admin.client.get(f"/impor/{imp}/").text if imp else response.text
    res.check(
        "b3 a roster upload with Redis down answers with a clear message",
        imp is not None and REDIS_MESSAGE in shown and import_row(stack, imp)["status"] == "failed",
        status=response.status_code,
        answer_ms=round(upload_ms),
        message_shown=REDIS_MESSAGE in shown,
        import_status=import_row(stack, imp)["status"] if imp else None,
    )

    stack.redis.start()
    started = time.monotonic()
    reconnect_s = stack.wait_worker()
    log(f"Redis back; the worker answers after {reconnect_s:.1f} s")
    supervisor.post(
        f"/laporan/proses/{run_pk}/lanjutkan/", {}, form_page=f"/laporan/proses/{run_pk}/"
    )
    admin.post(f"/impor/{imp}/ulangi/", {}, form_page=f"/impor/{imp}/")
    awaiting, _ = wait_until(
        lambda: import_row(stack, imp)["status"] == "awaiting",
        timeout=300,
        what="the import's check",
    )
    if awaiting:
        admin.post(
            f"/impor/{imp}/konfirmasi/", {"mode": "skip_invalid"}, form_page=f"/impor/{imp}/"
        )
    done_import, _ = wait_until(
        lambda: import_row(stack, imp)["status"] == "done", timeout=300, what="the import"
    )
    done_run, _ = wait_until(
        lambda: run_row(stack, run_pk)["status"] == "done", timeout=300, what="the report run"
    )
    elapsed = time.monotonic() - started
    run = run_row(stack, run_pk)
    row = import_row(stack, imp)
    counts = stack.db.counts()
    reports, distinct = reports_for(stack, quarter)
    res.check(
        "b4 nothing lost once Redis is back: resumed run and retried import complete once",
        bool(done_import and done_run)
        and run["done"] == run["total"]
        and reports == distinct
        and counts["families"] - families_before == row["households_created"] > 0
        and counts["duplicate_nik"] == 0,
        worker_reconnect_s=round(reconnect_s, 1),
        import_status=row["status"],
        households_created=row["households_created"],
        distinct_facilitators=distinct,
        completed_after_s=round(elapsed),
        run=f"{run['done']}/{run['total']} {run['status']}",
        reports=reports,
        families_imported=counts["families"] - families_before,
        duplicate_nik=counts["duplicate_nik"],
    )
    for session in (facilitator, supervisor, admin):
        session.close()


# --- c. the worker killed -----------------------------------------------------------------
def fault_worker(stack: Stack, res: Results) -> None:
    log("c. Celery worker SIGKILLed during an import and during a report run")
    admin = stack.session(
        stack.db.one(
            "SELECT username FROM accounts_user WHERE role = 'admin' ORDER BY username LIMIT 1"
        )
    )
    path = roster(stack, stack.args.import_families, "0039")
    before = stack.db.counts()
    response = upload(admin, path)
    imp = import_id(response)
    awaiting, waited = wait_until(
        lambda: import_row(stack, imp)["status"] == "awaiting",
        timeout=600,
        every=2,
        what="the import's check",
    )
    log(f"import {imp} checked in {waited:.0f} s; confirming")
    admin.post(f"/impor/{imp}/konfirmasi/", {"mode": "skip_invalid"}, form_page=f"/impor/{imp}/")
    writing, _ = wait_until(
        lambda: import_row(stack, imp)["started"], timeout=120, every=0.2, what="the write to start"
    )
    time.sleep(stack.args.kill_after)
    state_at_kill = import_row(stack, imp)["status"]
    stack.worker.kill9()
    killed_at = time.monotonic()
    log(f"worker killed {stack.args.kill_after} s into the write (status {state_at_kill})")
    stack.worker.start()  # as a process supervisor would

    def page_says_failed():
        html = admin.client.get(f"/impor/{imp}/status/").text
        return "Impor terhenti sebelum selesai" in html and "Ulangi impor" in html

    shown, _ = wait_until(page_says_failed, timeout=180, every=2, what="the import page")
    truth_s = time.monotonic() - killed_at
    after_kill = stack.db.counts()
    res.check(
        "c1 import: the page stops saying 'importing' and says nothing was written",
        bool(writing)
        and state_at_kill == "importing"
        and bool(shown)
        and after_kill["families"] == before["families"]
        and after_kill["members"] == before["members"],
        status_at_kill=state_at_kill,
        failed_shown_after_s=round(truth_s),
        families_written_by_dead_worker=after_kill["families"] - before["families"],
        members_written_by_dead_worker=after_kill["members"] - before["members"],
    )
    stack.wait_worker()
    admin.post(f"/impor/{imp}/ulangi/", {}, form_page=f"/impor/{imp}/")
    done, took = wait_until(
        lambda: import_row(stack, imp)["status"] in ("done", "failed"),
        timeout=900,
        every=2,
        what="the retried import",
    )
    row, after = import_row(stack, imp), stack.db.counts()
    res.check(
        "c2 import: the retry completes once, no duplicates",
        row["status"] == "done"
        and after["families"] - before["families"] == row["households_created"] > 0
        and after["members"] - before["members"] == row["members_created"]
        and after["duplicate_nik"] == 0,
        status=row["status"],
        retry_s=round(took),
        families_added=after["families"] - before["families"],
        members_added=after["members"] - before["members"],
        households_created=row["households_created"],
        members_created=row["members_created"],
        duplicate_nik=after["duplicate_nik"],
    )

    quarter = last_quarter()
    response = admin.post(
        "/laporan/proses/mulai/", {"triwulan": quarter}, form_page="/laporan/proses/"
    )
    match = re.search(r"/laporan/proses/(\d+)/", response.headers.get("location", ""))
    run_pk = int(match.group(1)) if match else stack.db.one("SELECT max(id) FROM reports_reportrun")
    total = run_row(stack, run_pk)["total"]
    wait_until(
        lambda: run_row(stack, run_pk)["done"] >= 3,
        timeout=300,
        every=0.5,
        what="the first reports",
    )
    stack.worker.kill9()
    killed_at = time.monotonic()
    held = stack.db.rows(
        "SELECT id FROM reports_reportrunitem WHERE run_id = %s AND status = 'running'", [run_pk]
    )
    log(
        f"worker killed during report run {run_pk}: {run_row(stack, run_pk)['done']}/{total} "
        f"done, {len(held)} running"
    )
    stack.worker.start()
    supervisor_view = f"/laporan/proses/{run_pk}/?status=running"

    def stalled_shown():
        if not held:
            return True
        return "Terhenti" in admin.client.get(supervisor_view).text

    shown, _ = wait_until(stalled_shown, timeout=240, every=2, what="'Terhenti'")
    stalled_s = time.monotonic() - killed_at
    # Beat runs the watchdog every 15 minutes; run it now as that tick would.
    watchdog_at = time.monotonic()
    stack.celery_call("reports.tasks.report_runs_resume_stalled")
    done, _ = wait_until(
        lambda: run_row(stack, run_pk)["status"] in ("done", "failed"),
        timeout=900,
        every=2,
        what="the report run",
    )
    took = time.monotonic() - watchdog_at
    run = run_row(stack, run_pk)
    reports, distinct = reports_for(stack, quarter)
    facilitators = stack.db.one(
        "SELECT count(*) FROM accounts_user WHERE role = 'facilitator' AND is_active"
    )
    res.check(
        "c3 report run: the dead worker's items show 'Terhenti', the watchdog completes the "
        "run, one report per facilitator",
        bool(shown)
        and run["status"] == "done"
        and run["done"] == total
        and reports == distinct == facilitators,
        items_held_by_dead_worker=len(held),
        stalled_shown_after_s=round(stalled_s),
        completed_after_watchdog_s=round(took),
        run=f"{run['done']}/{total} {run['status']}",
        reports=reports,
        facilitators=facilitators,
    )
    admin.close()


# --- main ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--only", nargs="*", choices=["postgres", "redis", "worker"])
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--facilitators", type=int, default=80)
    parser.add_argument("--import-families", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--pg-down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument(
        "--kill-after",
        type=float,
        default=2.0,
        help="seconds into the import's write before the worker is killed",
    )
    parser.add_argument("--timeout", type=float, default=15.0, help="per request, seconds")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="DATABASE_CONN_MAX_AGE (persistent connections)"
    )
    args = parser.parse_args(argv)
    faults = args.only or ["postgres", "redis", "worker"]

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    res = Results()
    stack = Stack(args)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    log(f"uptime: {uptime}")
    started = time.monotonic()
    try:
        stack.up()
        if "postgres" in faults:
            asyncio.run(fault_postgres(stack, res))
        if "redis" in faults:
            fault_redis(stack, res)
        if "worker" in faults:
            fault_worker(stack, res)
    except KeyboardInterrupt:
        res.check("interrupted", False)
    except Exception as exc:
        res.check("the script itself", False, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        stack.down()
        uptime_after = subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
        log(f"uptime: {uptime_after}")
        OUT.mkdir(parents=True, exist_ok=True)
        out = OUT / f"faults-{stack.stamp}.json"
        out.write_text(
            json.dumps(
                {
                    "uptime_before": uptime,
                    "uptime_after": uptime_after,
                    "seconds": round(time.monotonic() - started),
                    "checks": res.checks,
                },
                indent=2,
                default=str,
            )
        )
        passed = sum(c["ok"] for c in res.checks)
        print(f"\n{passed} passed, {len(res.checks) - passed} failed  ({out.relative_to(ROOT)})")
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())

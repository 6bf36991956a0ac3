"""Fault tests (bench.faults): the whole stack set up and torn down, and the roster,
import and report helpers the checks share."""

from __future__ import annotations

import datetime
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.faults.servers import CELERY, OUT, PG_BIN, Db, Postgres, Redis, Session, Worker, log
from bench.serve import ROOT, Serve, free_port, serve_env


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

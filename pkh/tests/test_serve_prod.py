"""Smoke test of the production run: `make serve` (scripts/serve-prod.sh) for real.

gunicorn, the Celery worker and Celery beat start from the Procfile with
pkh.settings.production on a free port, against a scratch PostgreSQL database made here
(a copy of the migrated test database when PostgreSQL allows it, else an empty one that
serve-prod.sh migrates) and the broker in CELERY_BROKER_URL. The test checks what a
deployment relies on, then stops everything with Ctrl-C (SIGINT to the process group, as
a terminal sends it) and checks that no process is left behind.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, connections

from conftest import _require
from pkh.tests.test_backup import database_url, server_connection

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BEAT_ENTRIES = {
    "quarterly-progress-reports",
    "progress-reports-watchdog",
    "assistance-eligibility-nightly",
    "sessions-clear-expired",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def descendants(root: int) -> set[int]:
    """Every live process below ``root`` (from /proc), whatever its session."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def create_scratch_database(name: str, template: str) -> str:
    """A copy of the migrated test database if nobody else is connected to it."""
    connections.close_all()
    server = server_connection()
    try:
        with server.cursor() as cur:
            try:
                cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return "copy of the test database"
            except psycopg2.errors.ObjectInUse:
                cur.execute(f'CREATE DATABASE "{name}"')
                return "empty (serve-prod.sh migrates it)"
    finally:
        server.close()


def drop_database(name: str) -> None:
    server = server_connection()
    try:
        with server.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.close()


def beat_entries(url: str) -> set[str]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT name FROM django_celery_beat_periodictask")
        names = {row[0] for row in cur.fetchall()}
    conn.close()
    return names


def test_make_serve_runs_gunicorn_worker_and_beat_and_stops_cleanly(
    django_db_setup, django_db_blocker, tmp_path
):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        _require("REQUIRE_WORKER", "CELERY_BROKER_URL is not a Redis URL: no broker to serve with")
    if connection.vendor != "postgresql":
        _require("REQUIRE_WORKER", "the production run needs PostgreSQL")
    started = time.monotonic()
    test_db = connection.settings_dict["NAME"]
    name = f"{test_db}_serve_{secrets.token_hex(3)}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret_key = secrets.token_urlsafe(40)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "CELERY_BROKER_URL": broker,
        # A result backend only so this test can read the worker's answer.
        "CELERY_RESULT_BACKEND": broker,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "1",
        "DJANGO_SECRET_KEY": secret_key,
        "LOAD_REGIONS": "0",
        "SEED_DEMO": "0",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "serve.log"
    with django_db_blocker.unblock():
        how = create_scratch_database(name, test_db)
    processes: set[int] = set()
    proc = None
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(BASE_DIR / "scripts" / "serve-prod.sh")],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        # 1. The load balancer's health check: database and broker reachable.
        deadline = time.monotonic() + 150
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _headers, body = get(f"{base}/health/", timeout=2)
                if status == 200:
                    health = json.loads(body)
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert health == {"status": "ok", "database": "ok", "broker": "ok"}, (
            f"no healthy answer ({how}); log:\n{log_path.read_text()[-3000:]}"
        )
        up_after = time.monotonic() - started
        processes |= descendants(proc.pid)

        # 2. The login page, served by gunicorn with DEBUG off.
        status, headers, body = get(f"{base}/masuk/")
        page = body.decode()
        assert status == 200
        assert headers.get("Server", "").startswith("gunicorn")
        assert 'name="username"' in page and "csrfmiddlewaretoken" in page
        # A missing page is the plain 404, not Django's debug page.
        status, _headers, body = get(f"{base}/tidak-ada-halaman-ini/")
        assert status == 404
        assert b"URLconf" not in body and b"DEBUG = True" not in body

        # 3. Static files from whitenoise under their hashed names, cached for ever.
        hashed = re.findall(r'/static/[^"\']+\.[0-9a-f]{12}\.(?:css|js)', page)
        assert hashed, "the login page links no hashed static file"
        status, headers, body = get(base + hashed[0])
        assert status == 200 and body
        assert "immutable" in headers.get("Cache-Control", "")

        # 4. A task sent through the broker runs on the worker.
        from celery import Celery

        client = Celery("smoke", broker=broker, backend=broker)
        try:
            result = client.send_task("pkh.tasks.ping")
            assert result.get(timeout=30) == "pong"
            result.forget()
        finally:
            client.close()
        processes |= descendants(proc.pid)

        # 5. Beat started and wrote the schedule into the database.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not beat_entries(database_url(name)) >= BEAT_ENTRIES:
            time.sleep(0.5)
        assert beat_entries(database_url(name)) >= BEAT_ENTRIES
        assert "beat: Starting" in log_path.read_text()
    finally:
        if proc is not None:
            processes |= descendants(proc.pid)
            # Ctrl-C in a terminal: SIGINT to the foreground process group.
            try:
                os.killpg(proc.pid, signal.SIGINT)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            stragglers = {pid for pid in processes | {proc.pid} if alive(pid)}
            for pid in stragglers:  # clean up before failing, then fail below
                os.kill(pid, signal.SIGKILL)
        drop_database(name)

    log_text = log_path.read_text()
    assert proc.returncode is not None, "serve-prod.sh did not stop on Ctrl-C"
    assert not stragglers, f"left running after Ctrl-C: {stragglers}"
    assert len(processes) >= 6, f"expected gunicorn, worker, beat and their children: {processes}"
    for program in ("web.1 stopped", "worker.1 stopped", "beat.1 stopped"):
        assert program in log_text
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the port is still served"
    # Nothing secret in the output: not the key, not the broker's password.
    assert secret_key not in log_text
    assert "Traceback" not in log_text
    elapsed = time.monotonic() - started
    print(
        f"serve-prod smoke test: database {how}; healthy after {up_after:.1f} s, {elapsed:.1f} s in all"
    )  # noqa: E501

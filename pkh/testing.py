"""Test helpers that need real services: a Celery worker process on Redis.

``real_worker`` (a fixture in ``/conftest.py``) starts ``celery -A pkh worker`` in a
subprocess against the test database and the broker in ``CELERY_BROKER_URL``, and turns
off eager mode in the test process, so tasks really travel through Redis. It needs
PostgreSQL (an in-memory SQLite test database cannot be shared with another process)
and a transactional test (``@pytest.mark.django_db(transaction=True)``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def worker_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db.get('USER') or ''}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{connection.settings_dict['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "pkh.settings.worker_test",
        # The same storage as the test process (as workers share it with web servers).
        "PKH_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PKH_TEST_PRIVATE_MEDIA_ROOT": str(settings.PKH_PRIVATE_MEDIA_ROOT),
    }


@contextmanager
def celery_worker(*, concurrency: int = 1, queues: str = "celery", timeout: float = 60.0):
    """Run a real worker process for the duration of the block; yields the Popen."""
    from pkh.celery import app

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pkh",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "-Q",
            queues,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=worker_env(),
        start_new_session=True,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            replies = app.control.ping(timeout=0.5)
            if replies:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start")
        yield proc
    finally:
        app.conf.task_always_eager = previous
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def kill_worker(proc: subprocess.Popen) -> None:
    """Kill a worker and its children at once (SIGKILL), as a crash would."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

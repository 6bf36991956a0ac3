"""Test helpers that need real services: a Celery worker process on Redis, and the
watch over headless Chromium's pages (see the ``browser`` fixture in ``/conftest.py``).

``real_worker`` (a fixture in ``/conftest.py``) starts ``celery -A pkh worker`` in a
subprocess against the test database and the broker in ``CELERY_BROKER_URL``, and turns
off eager mode in the test process, so tasks really travel through Redis. It needs
PostgreSQL (an in-memory SQLite test database cannot be shared with another process)
and a transactional test (``@pytest.mark.django_db(transaction=True)``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS = BASE_DIR / "artifacts" / "browser"


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
        # Where the worker's emails go (file backend, pkh/settings/worker_test.py).
        "PKH_TEST_EMAIL_DIR": str(worker_email_dir()),
    }


def worker_email_dir() -> Path:
    """The folder a real worker writes its emails to, one file per connection."""
    return Path(settings.MEDIA_ROOT) / "sent-email"


def wait_for(predicate, *, timeout: float = 60.0, step: float = 0.2) -> bool:
    """Poll ``predicate()`` until it is true (True) or ``timeout`` seconds pass (False):
    for tests that wait on a real worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def worker_mailbox() -> str:
    """Every email the real worker has written so far (``worker_email_dir``), in one text."""
    folder = worker_email_dir()
    return "".join(p.read_text() for p in sorted(folder.glob("*"))) if folder.exists() else ""


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


class WatchedBrowser:
    """The shared Chromium as a test sees it: every context it opens is watched for
    console errors and uncaught exceptions, and closed after the test."""

    def __init__(self, browser):
        self._browser = browser
        self.contexts = []
        self.problems: list[str] = []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on("console", self._console)
        context.on("weberror", self._weberror)
        self.contexts.append(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location or {}
            self.problems.append(
                f"console error: {message.text} "
                f"({where.get('url', '?')}:{where.get('lineNumber', '?')})"
            )

    def _weberror(self, web_error) -> None:
        url = web_error.page.url if web_error.page else "?"
        self.problems.append(f"uncaught exception: {web_error.error} (page {url})")

    def pages(self) -> list:
        return [page for context in self.contexts for page in context.pages]

    def assert_no_page_errors(self) -> None:
        """Fail now if any page logged a console error or threw (a journey calls this
        after each step, so the failure names the step)."""
        if self.problems:
            pytest.fail("page errors:\n" + "\n".join(self.problems), pytrace=False)

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):  # already gone with a crashed browser
                context.close()
        self.contexts = []


def artifacts_folder(nodeid: str) -> Path:
    """``artifacts/browser/<test>/`` for a test's node id."""
    return ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid).strip("-")[:150]


def save_artifacts(folder: Path, watched: WatchedBrowser) -> None:
    """A full-page screenshot and the HTML of every open page, and the page errors."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = []
    for n, page in enumerate(watched.pages(), start=1):
        index.append(f"page-{n}: {page.url}")
        try:
            page.screenshot(path=str(folder / f"page-{n}.png"), full_page=True, timeout=10_000)
            (folder / f"page-{n}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - keep what can be kept
            index.append(f"  not saved: {exc}")
    (folder / "pages.txt").write_text("\n".join(index + watched.problems) + "\n")


def visible_text(html: str) -> str:
    """The text a reader sees on a page: no tags, attributes, scripts or styles (so a
    code in a ``value`` or ``data-*`` attribute does not count)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style", "template")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style", "template") and self.skip > 0

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


PHONE = {"width": 360, "height": 740}


def phone_page_signed_in(browser, live_server, username: str = "pendamping1"):
    """A 360-px touch-phone page signed in through the login form, on the home page
    (the factories' users share the password ``rahasia-123``)."""
    from django.urls import reverse

    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "rahasia-123")
    page.press("#id_password", "Enter")
    page.wait_for_url(live_server.url + reverse("home"))
    return page


# --- A migrated template database for the PostgreSQL test run ---------------------------
# Every test process (pytest-xdist worker) creates its own test database. Migrating it
# from nothing takes seconds per process; instead the first process migrates one template
# database, named by a hash of every migration file, and each test database is created
# as a copy of it (``CREATE DATABASE ... TEMPLATE``), on which Django's own ``migrate``
# then finds nothing left to do. A changed migration gives a new name, so a stale
# template is never used. When a new one is built, the older templates of the same
# checkout (or of a checkout that no longer exists) are dropped: each template's comment
# names the folder that built it, so two checkouts side by side (git worktrees on one
# server) never drop each other's template while it is in use.

TEMPLATE_PREFIX = "pendamping_test_tpl_"


def migrations_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(Path(settings.BASE_DIR).glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _server_cursor(db: dict):
    import psycopg2

    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    return conn


def migrated_template(db: dict) -> str:
    """The name of a migrated template database for ``db`` (a DATABASES entry), built
    once under a file lock that the parallel test processes share."""
    import fcntl
    from urllib.parse import quote

    import psycopg2

    name = TEMPLATE_PREFIX + migrations_digest()
    lock_path = (
        Path(tempfile.gettempdir())
        / f"{name}.{db.get('HOST') or 'local'}.{db.get('PORT') or 5432}.lock"
    )
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = _server_cursor(db)
        try:
            here = str(Path(settings.BASE_DIR).resolve())
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                    " WHERE datname LIKE %s",
                    [TEMPLATE_PREFIX + "%"],
                )
                existing = dict(cur.fetchall())
                if name in existing:
                    return name
                for old, built_in in existing.items():
                    if built_in and built_in != here and Path(built_in).exists():
                        continue  # another checkout's template
                    try:
                        cur.execute(f'DROP DATABASE IF EXISTS "{old}"')
                    except psycopg2.Error:
                        continue  # in use right now: left for a later run
                cur.execute(f'CREATE DATABASE "{name}"')
                cur.execute(f'COMMENT ON DATABASE "{name}" IS %s', [here])
            auth = quote(db.get("USER") or "")
            if db.get("PASSWORD"):
                auth += ":" + quote(db["PASSWORD"])
            url = (
                f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
            )
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "pkh.settings.test"}
            done = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                with conn.cursor() as cur:
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
                raise RuntimeError(
                    f"migrating the template database failed:\n{done.stderr[-4000:]}"
                )
            return name
        finally:
            conn.close()

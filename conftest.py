"""Fixtures shared by every app's tests: regions, the three roles, two teams, a real
Celery worker and headless Chromium."""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

from accounts.tests.factories import AdminFactory, FacilitatorFactory, SupervisorFactory
from households.models import Region
from households.tests.factories import OTHER_REGENCY_VILLAGE, ensure_components, ensure_regions


@pytest.fixture
def regions(db):
    ensure_regions()
    ensure_components()
    return Region.objects


@pytest.fixture
def supervisor(regions):
    return SupervisorFactory(username="supervisor1", areas=[Region.objects.get(code="34.02.09")])


@pytest.fixture
def facilitator(supervisor):
    return FacilitatorFactory(
        username="pendamping1",
        supervisor=supervisor,
        areas=[Region.objects.get(code="34.02.09.2001")],
    )


@pytest.fixture
def other_facilitator(supervisor):
    """Same team as ``facilitator``: a colleague, not the owner."""
    return FacilitatorFactory(
        username="pendamping2",
        supervisor=supervisor,
        areas=[Region.objects.get(code="34.02.09.2002")],
    )


@pytest.fixture
def other_supervisor(regions):
    return SupervisorFactory(username="supervisor2", areas=[Region.objects.get(code="34.02.09")])


@pytest.fixture
def other_team_facilitator(other_supervisor):
    return FacilitatorFactory(
        username="pendamping9",
        supervisor=other_supervisor,
        areas=[Region.objects.get(code="34.02.09.2003")],
    )


@pytest.fixture
def admin_user(regions):
    return AdminFactory(username="admin1", areas=[Region.objects.get(code="34.02")])


@pytest.fixture
def other_region_admin(regions):
    return AdminFactory(username="admin9", areas=[Region.objects.get(code="33.74")])


@pytest.fixture
def other_region_village(regions):
    return Region.objects.get(code=OTHER_REGENCY_VILLAGE[0])


def login(client, user):
    client.force_login(user)
    return client


def _require(env_flag: str, reason: str):
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason} ({env_flag}=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker on the configured broker (Redis), against the test database."""
    from django.db import connection

    from pkh.testing import celery_worker

    if not os.environ.get("CELERY_BROKER_URL"):
        _require("REQUIRE_WORKER", "CELERY_BROKER_URL is not set: no broker for a real worker")
    if connection.vendor != "postgresql":
        _require("REQUIRE_WORKER", "a real worker needs PostgreSQL (SQLite test DB is in memory)")
    from pkh.celery import app

    # Read before anything changes, so that later tests run eagerly again.
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"]
    try:
        with celery_worker() as proc:
            yield proc
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous


# --- Headless Chromium ----------------------------------------------------------------
# One Chromium for the whole run (launched by the first browser test), every browser test
# run last (see ``pytest_collection_modifyitems``), each test in fresh browser contexts
# that are closed after it. Console errors and uncaught exceptions of any page fail the
# test; a failed test leaves a full-page screenshot and the HTML of every page it had
# open in ``artifacts/browser/<test>/`` (kept by CI).

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: they share one Chromium, whose event loop (sync Playwright)
    then never overlaps another test; pytest-django's order is kept otherwise."""
    items[:] = [i for i in items if not i.get_closest_marker("browser")] + [
        i for i in items if i.get_closest_marker("browser")
    ]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


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
    return ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid).strip("-")[:150]


def _save_artifacts(folder: Path, watched: WatchedBrowser) -> None:
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


@pytest.fixture(scope="session")
def _chromium():
    if not os.path.exists(CHROMIUM):
        _require("REQUIRE_BROWSER", f"headless Chromium is not installed ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    # Sync Playwright runs an event loop in this thread: Django's ORM must not refuse to
    # run beside it (browser tests run last, see above).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


@pytest.fixture
def browser(request, _chromium):
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    watched = WatchedBrowser(_chromium)
    yield watched
    reports = request.node.stash.get(_REPORTS, {})
    failed = any(r.failed for r in reports.values())
    folder = artifacts_folder(request.node.nodeid)
    try:
        if failed or watched.problems:
            _save_artifacts(folder, watched)
        else:
            shutil.rmtree(folder, ignore_errors=True)  # a stale one from an earlier run
    finally:
        watched.close()
    if watched.problems and not failed:
        pytest.fail(
            "page errors (see " + str(folder) + "):\n" + "\n".join(watched.problems),
            pytrace=False,
        )

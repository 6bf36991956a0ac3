"""Fixtures shared by every app's tests: regions, the three roles, two teams, a real
Celery worker and headless Chromium."""

import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest

from accounts.tests.factories import (
    AdminFactory,
    FacilitatorFactory,
    SupervisorFactory,
    UserFactory,
)
from households.tests.factories import OTHER_REGENCY_VILLAGE, ensure_components, ensure_regions
from pkh.testing import WatchedBrowser, artifacts_folder, save_artifacts
from regions.models import Region


def pytest_configure(config):
    """Parallel runs (pytest-xdist): each test process has its own database (pytest-django
    appends the worker id) and needs its own Redis database too, or a real worker
    started by one process would take another's tasks. gw0 keeps the database in
    CELERY_BROKER_URL, gw1 takes the one below it, and so on. The tests and the worker
    subprocesses they start read the variable, so it is rewritten here, once per process.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not (worker.startswith("gw") and url.startswith("redis")):
        return
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) - int(worker[2:])
    if db < 0:
        raise pytest.UsageError(f"no Redis database left for test process {worker}: use fewer")
    os.environ["CELERY_BROKER_URL"] = urlunsplit(parts._replace(path=f"/{db}"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, each test database is a copy of one migrated template database
    (pkh.testing.migrated_template) instead of being migrated from nothing."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql") and os.environ.get("TEST_DB_TEMPLATE", "1") != "0":
        from pkh.testing import migrated_template

        db.setdefault("TEST", {})["TEMPLATE"] = migrated_template(db)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a test (or a request it made) that
    activated English must not leak it into the next one's rendered snapshots."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
def catalogue_keeper(regions):
    """A national catalogue keeper (``pkh.permissions.can_edit_national_catalogue``): a
    superuser of the national programme, with no app role and no region."""
    return UserFactory(username="pusat", role="", is_superuser=True, is_staff=True)


@pytest.fixture
def other_region_village(regions):
    return Region.objects.get(code=OTHER_REGENCY_VILLAGE[0])


@pytest.fixture
def families_changed_calls(monkeypatch):
    """Every ``pkh.extensions.families_changed`` call of the test, as ``(household_ids,
    fields)``, recorded by a reaction added after the apps' own (which still run)."""
    from pkh import extensions

    calls: list[tuple[set[int], frozenset[str] | None]] = []
    point = extensions.families_changed_reactions

    def record(*, household_ids, fields):
        calls.append((set(household_ids), fields))

    monkeypatch.setattr(point, "order", (*point.order, "test_recorder"))
    monkeypatch.setitem(point.contributions, "test_recorder", record)
    return calls


def login(client, user):
    client.force_login(user)
    return client


def _require(env_flag: str, reason: str):
    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason} ({env_flag}=1 makes this a failure)")
    pytest.skip(reason)


# The data migrations' seeded rows (components, aid catalogue, P2K2 curriculum, default
# assessment form, complaint categories): a transactional test's flush empties them.
SEEDING_MIGRATIONS = (
    "households.migrations.0002_components_and_benefits",
    "assistance.migrations.0002_seed_aid_catalogue",
    "fds_sessions.migrations.0003_seed_curriculum",
    "graduation.migrations.0002_default_assessment_form",
    "complaints.migrations.0002_seed_categories",
)


@pytest.fixture
def seeded_rows(transactional_db):
    """Put the data migrations' rows back after an earlier transactional test's flush
    (each seed is idempotent)."""
    import importlib

    from django.apps import apps

    for name in SEEDING_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)


@pytest.fixture
def real_worker(transactional_db, seeded_rows):
    """A real Celery worker on the configured broker (Redis), against the test database,
    with the data migrations' rows in place (the worker reads them too)."""
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
            save_artifacts(folder, watched)
        else:
            shutil.rmtree(folder, ignore_errors=True)  # a stale one from an earlier run
    finally:
        watched.close()
    if watched.problems and not failed:
        pytest.fail(
            "page errors (see " + str(folder) + "):\n" + "\n".join(watched.problems),
            pytrace=False,
        )

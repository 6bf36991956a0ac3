"""Fixtures shared by every app's tests: regions, the three roles, and two teams."""

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
    import os

    if os.environ.get(env_flag) == "1":
        pytest.fail(f"{reason} ({env_flag}=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker on the configured broker (Redis), against the test database."""
    import os

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


@pytest.fixture
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    import os

    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        _require("REQUIRE_BROWSER", "headless Chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()

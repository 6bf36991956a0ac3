import datetime

import pytest

from accounts.tests.factories import FacilitatorFactory, SupervisorFactory
from reports.quarters import Quarter
from reports.tests.factories import household_at, visit_on

Q = Quarter(2026, 2)


@pytest.fixture
def pair(regions):
    """Two facilitators of the same supervisor."""
    supervisor = SupervisorFactory()
    return FacilitatorFactory(supervisor=supervisor), FacilitatorFactory(supervisor=supervisor)


@pytest.fixture
def seeded(facilitator, other_facilitator, other_team_facilitator):
    """Three facilitators with a few families each in 2026Q2, and some visits."""
    for i, f in enumerate([facilitator, other_facilitator, other_team_facilitator]):
        for j in range(2 + i):
            h = household_at(when=Q.start - datetime.timedelta(days=5 + j), facilitator=f)
            if j % 2 == 0:
                visit_on(h, day=Q.first_day + datetime.timedelta(days=10 + j))
    return [facilitator, other_facilitator, other_team_facilitator]


@pytest.fixture
def component_rows(seeded_rows):
    """The components seeded by a households data migration, back after a transactional
    test's flush (the root conftest's ``seeded_rows``)."""


@pytest.fixture
def broker_down(settings, monkeypatch):
    """The broker is a closed port: publishing fails the way a dead Redis does."""
    from pkh.celery import app

    dead = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery reads this before its conf
    app.conf.broker_url = dead
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_pools(app)
    yield
    monkeypatch.undo()
    app.conf.broker_url, app.conf.task_always_eager = previous
    _reset_pools(app)


def _reset_pools(app) -> None:
    # New pools for the new URL (kombu keys its producer pools by connection); the old
    # ones are left open for whoever used them.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _tasks_run_eagerly(request):
    """Tasks run in-process unless a test asks for a real worker or a dead broker."""
    if {"real_worker", "broker_down"} & set(request.fixturenames):
        yield
        return
    from pkh.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous

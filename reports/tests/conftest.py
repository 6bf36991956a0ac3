import datetime

import pytest

from reports.quarters import Quarter
from reports.tests.factories import household_at, visit_on

Q = Quarter(2026, 2)


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
def broker_down(settings):
    """The broker is a closed port: publishing fails the way a dead Redis does."""
    from pkh.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_pools(app)
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    _reset_pools(app)


def _reset_pools(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None

import pytest

from pkh.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_tasks_through_redis(real_worker, settings):
    from pkh.celery import app

    assert app.conf.task_always_eager is False
    result = ping.apply_async()
    assert result.id
    # Without a result backend we cannot fetch the value; the worker's stats show it ran.
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        stats = app.control.inspect(timeout=1).stats() or {}
        total = sum(s.get("total", {}).get("pkh.tasks.ping", 0) for s in stats.values())
        if total:
            break
        time.sleep(0.3)
    assert total == 1

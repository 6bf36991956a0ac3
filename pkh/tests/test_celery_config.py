from django.conf import settings

from pkh.celery import app

# Longest countdown a retry can wait (Celery's retry_backoff_max default: 600 s); the
# worker holds such a message unacknowledged until then.
RETRY_COUNTDOWN_MAX = 600


def test_the_visibility_timeout_outlasts_every_task():
    """Redis redelivers an unacknowledged message after the visibility timeout: a task
    still running then would start a second time on another worker."""
    app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "imports.tasks.roster_import_write_task" in tasks
    too_long = {
        name: limit
        for name, task in tasks.items()
        if (limit := task.time_limit or app.conf.task_time_limit)
        + max(getattr(task, "retry_backoff_max", 0), RETRY_COUNTDOWN_MAX)
        >= visibility
    }
    assert not too_long, f"time limits reach the visibility timeout ({visibility} s): {too_long}"


def test_every_task_has_a_time_limit():
    app.loader.import_default_modules()
    assert app.conf.task_time_limit
    for name, task in app.tasks.items():
        if not name.startswith("celery."):
            assert task.time_limit or app.conf.task_time_limit, name

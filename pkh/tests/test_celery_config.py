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


def _app_tasks():
    """The project's tasks as bound to an app with no global time limit: Celery copies
    CELERY_TASK_TIME_LIMIT into every task that sets none, so on the real app a task's
    ``time_limit`` cannot tell its own limit from the global one."""
    from celery import Celery

    app.loader.import_default_modules()
    probe = Celery("limits-probe", set_as_current=False)
    probe.conf.task_time_limit = None
    probe.conf.task_soft_time_limit = None
    probe.finalize(auto=True)
    return {name: probe.tasks[name] for name in app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_time_limit_of_its_own():
    """Each task states the limit its work needs: the global CELERY_TASK_TIME_LIMIT is a
    backstop, not a budget, so a task that leans on it is a task nobody sized."""
    tasks = _app_tasks()
    assert "reports.tasks.progress_report_generate" in tasks
    without = sorted(name for name, task in tasks.items() if not task.time_limit)
    assert not without, f"tasks without a time limit of their own: {without}"


def test_a_soft_limit_leaves_the_task_time_to_stop_before_the_hard_one():
    early = {
        name: (task.soft_time_limit, task.time_limit)
        for name, task in _app_tasks().items()
        if task.soft_time_limit and task.soft_time_limit >= task.time_limit
    }
    assert not early, f"soft limit not below the hard one: {early}"


def test_celerys_fixup_leaves_the_database_connections_to_the_app():
    """Celery's Django fixup would close every connection around every task (a new
    PostgreSQL backend per task, ~25 ms each); CELERY_DB_REUSE_MAX turns that off and
    pkh.celery applies Django's rule instead (next test)."""
    assert app.conf.get("CELERY_DB_REUSE_MAX", 0) >= 100_000


def test_a_worker_keeps_a_connection_until_it_is_broken_or_too_old(monkeypatch):
    from types import SimpleNamespace

    from django.db import connections

    from pkh import celery as pkh_celery

    connection = connections["default"]
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    pkh_celery._keep_database_connections()
    assert connection.settings_dict["CONN_MAX_AGE"] == settings.DATABASE_WORKER_CONN_MAX_AGE > 0

    checked = []
    monkeypatch.setattr(connections, "all", lambda initialized_only=False: [connection])
    monkeypatch.setattr(
        connection, "close_if_unusable_or_obsolete", lambda: checked.append(connection.alias)
    )
    queued = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    pkh_celery._database_connections_between_tasks(sender=queued)
    assert checked == ["default"]  # a worker's task: Django's check, not a plain close
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True))
    pkh_celery._database_connections_between_tasks(sender=eager)
    assert checked == ["default"]  # eager (inside the caller's transaction): untouched


def test_there_is_one_beat_schedule_and_its_tasks_exist():
    """Every periodic task is listed in CELERY_BEAT_SCHEDULE (pkh/settings/base.py), and
    nothing adds entries behind it when the task modules are imported."""
    app.loader.import_default_modules()
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert "assistance-eligibility-nightly" in settings.CELERY_BEAT_SCHEDULE
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert not missing, f"scheduled tasks that do not exist: {missing}"

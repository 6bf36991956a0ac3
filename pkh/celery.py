"""Celery application. Tasks run eagerly (in-process) when no broker is configured."""

import os

from celery import Celery
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    task_postrun,
    task_prerun,
    worker_init,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

app = Celery("pkh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["pkh"])  # pkh/tasks.py: project-level tasks (ping)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_personal_data(logger, **kwargs):
    """A worker or beat replaces the root logger's handlers (and Django's redacting
    filter with them) by its own, and gives the task logger one of its own: put the
    filter back on every handler of every logger, so NIK and No. KK are masked in worker
    logs too (pkh/logging.py)."""
    from pkh import logging as pkh_logging

    pkh_logging.install()


@worker_init.connect
def _keep_database_connections(**kwargs):
    """A worker process keeps its database connection between tasks for
    ``DATABASE_WORKER_CONN_MAX_AGE`` seconds. Runs in the main process before the pool
    forks, so every pool process inherits it (Celery's Django fixup closes the parent's
    connections in each child)."""
    from django.conf import settings
    from django.db import connections

    for alias in connections:
        connections[alias].settings_dict["CONN_MAX_AGE"] = settings.DATABASE_WORKER_CONN_MAX_AGE


@task_prerun.connect
@task_postrun.connect
def _database_connections_between_tasks(sender=None, **kwargs):
    """Before and after each task, Django's request rule: close a connection that is
    broken (after a health check) or older than its ``CONN_MAX_AGE``, keep the others.
    (Celery's fixup would close every connection around every task; CELERY_DB_REUSE_MAX
    in the settings stops it.) Not for eager tasks: they run inside the caller's
    transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()

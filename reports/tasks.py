"""Celery tasks of the reports app: thin wrappers over reports.services (ids in, idempotent).

* ``quarter_reports_start``: run by celery beat on the first day after each quarter ends
  (see CELERY_BEAT_SCHEDULE in pkh/settings/base.py); fans out one
  ``progress_report_generate`` per active facilitator.
* ``progress_report_generate``: one facilitator's report; retried with backoff when the
  database is briefly unreachable; marked failed (with the error) when it gives up.
* ``report_runs_resume_stalled``: the watchdog, every 15 minutes.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError


class ReportItemTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries exhausted (or killed by the soft time limit): record it on the item.
        from reports.services import report_item_fail

        item_id = kwargs.get("item_id", args[0] if args else None)
        if item_id is not None:
            report_item_fail(item_id=item_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=ReportItemTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=settings.PKH_REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.PKH_REPORT_TIME_LIMIT,
)
def progress_report_generate(self, item_id: int) -> str:
    from reports.services import report_item_generate

    return report_item_generate(item_id=item_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
)
def quarter_reports_start(quarter: str | None = None) -> int:
    """Start the quarter's run (default: the quarter that has just ended). Returns its id."""
    from reports.quarters import Quarter
    from reports.services import scheduled_run_get_or_create

    run, _created = scheduled_run_get_or_create(
        quarter=Quarter.parse(quarter) if quarter else Quarter.last_ended()
    )
    return run.pk


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=300,
)
def report_runs_resume_stalled() -> int:
    from reports.services import report_runs_resume_stalled as resume

    return len(resume())

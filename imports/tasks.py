"""Celery tasks of the roster import: thin, take ids, idempotent, acks_late.

Both services check the import's status first, so a task delivered twice (a worker
lost before it acknowledged) does no harm: a finished import is left alone, a rerun
of an unfinished one recomputes everything from the staging tables.
"""

from celery import shared_task
from django.db import OperationalError

TIME_LIMIT = 2 * 60 * 60


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=TIME_LIMIT - 60,
    time_limit=TIME_LIMIT,
)
def roster_import_validate_task(self, roster_import_id: int) -> str:
    from imports.services import roster_import_validate

    retryable = self.request.retries < self.max_retries
    return roster_import_validate(roster_import_id=roster_import_id, retryable=retryable).status


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=TIME_LIMIT - 60,
    time_limit=TIME_LIMIT,
)
def roster_import_write_task(self, roster_import_id: int) -> str:
    from imports.services import roster_import_write

    retryable = self.request.retries < self.max_retries
    return roster_import_write(roster_import_id=roster_import_id, retryable=retryable).status

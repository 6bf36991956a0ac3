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


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=5,
    soft_time_limit=TIME_LIMIT - 60,
    time_limit=TIME_LIMIT,
)
def roster_import_derived_task(self, roster_import_id: int) -> str:
    """The follow-up stage of a committed import (derived data). Any failure is retried
    with backoff (5 s, 10 s, 20 s ...); the last attempt records "failed", which the
    nightly repair and the "Ulangi pembaruan" button pick up."""
    from imports.services import roster_import_derive

    retryable = self.request.retries < self.max_retries
    return roster_import_derive(
        roster_import_id=roster_import_id, retryable=retryable
    ).derived_status


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=TIME_LIMIT - 60,
    time_limit=TIME_LIMIT,
)
def roster_imports_derived_resume_task() -> int:
    """Beat, every 5 minutes: requeue follow-up stages whose worker died or whose task
    was lost."""
    from imports.services import roster_imports_derived_resume

    return len(roster_imports_derived_resume())


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=TIME_LIMIT - 60,
    time_limit=TIME_LIMIT,
)
def roster_imports_derived_repair_task() -> int:
    """Beat, nightly before the aid eligibility refresh: run every follow-up stage still
    open."""
    from imports.services import roster_imports_derived_repair

    return roster_imports_derived_repair()

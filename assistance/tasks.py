"""Background work of complementary aid (thin: ids in, one service call)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def aid_eligibility_refresh_all() -> int:
    """Refresh every family's stored aid eligibility, then recount the coverage rollup
    in full (a safety net for any write that bypassed the services). Idempotent.
    Runs after a catalogue change and nightly (children age into and out of an aid's
    age limits)."""
    from assistance.services.coverage import coverage_counts_rebuild
    from assistance.services.eligibility import aid_eligibility_refresh

    written = aid_eligibility_refresh()
    coverage_counts_rebuild()
    return written

from celery import shared_task
from django.db import OperationalError


# Scheduled in pkh/settings/base.py (CELERY_BEAT_SCHEDULE, "complaints-escalate").
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=15 * 60,
)
def complaints_escalate() -> dict[str, int]:
    from complaints.services import complaints_escalate as escalate

    return escalate()

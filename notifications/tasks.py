from celery import shared_task
from django.db import OperationalError


# Scheduled in pkh/settings/base.py (CELERY_BEAT_SCHEDULE, "notifications-weekly-digest").
@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
)
def weekly_digest_send() -> int:
    from notifications.services import weekly_digest_send as send

    return send()

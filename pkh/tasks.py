from celery import shared_task


@shared_task(acks_late=True, time_limit=30)
def ping() -> str:
    """A task with no side effect: tells that a worker runs and reaches the broker."""
    return "pong"


@shared_task(acks_late=True, time_limit=30 * 60)
def sessions_clear_expired() -> None:
    """Delete expired sessions (Django's ``clearsessions``; idempotent). Beat runs it
    nightly (CELERY_BEAT_SCHEDULE): the session table would otherwise only grow."""
    from django.core.management import call_command

    call_command("clearsessions")

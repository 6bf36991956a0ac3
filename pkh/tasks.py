from celery import shared_task


@shared_task(acks_late=True, time_limit=30)
def ping() -> str:
    """A task with no side effect: tells that a worker runs and reaches the broker."""
    return "pong"

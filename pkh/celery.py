"""Celery application. Tasks run eagerly (in-process) when no broker is configured."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

app = Celery("pkh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["pkh"])  # pkh/tasks.py: project-level tasks (ping)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_personal_data(logger, **kwargs):
    """A worker or beat replaces the root logger's handlers (and Django's redacting
    filter with them) by its own: put the filter back on every handler Celery set up, so
    16-digit identifiers are masked in worker logs too (pkh/logging.py)."""
    from pkh.logging import RedactPersonalDataFilter

    for handler in logger.handlers:
        if not any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters):
            handler.addFilter(RedactPersonalDataFilter())

"""Settings for a real Celery worker started by the test suite (see pkh/testing.py).

It talks to the test database named in DATABASE_URL and to the broker for real.
"""

from pkh.settings.test import *  # noqa: F403
from pkh.settings.test import env

CELERY_TASK_ALWAYS_EAGER = False
# Crash-safety tests set this to hold a report task inside its write transaction.
PKH_REPORT_PAUSE_BEFORE_COMMIT = env.float("PKH_REPORT_PAUSE_BEFORE_COMMIT", default=0.0)

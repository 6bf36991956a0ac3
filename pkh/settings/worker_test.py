"""Settings for a real Celery worker started by the test suite (see pkh/testing.py).

It talks to the test database named in DATABASE_URL and to the broker for real.
"""

from pkh.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False

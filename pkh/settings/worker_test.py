"""Settings for a real Celery worker started by the test suite (see pkh/testing.py).

It talks to the test database named in DATABASE_URL and to the broker for real.
"""

from pkh.settings.test import *  # noqa: F403
from pkh.settings.test import MEDIA_ROOT, PKH_PRIVATE_MEDIA_ROOT, env

CELERY_TASK_ALWAYS_EAGER = False
# Crash-safety tests set this to hold a report task inside its write transaction.
PKH_REPORT_PAUSE_BEFORE_COMMIT = env.float("PKH_REPORT_PAUSE_BEFORE_COMMIT", default=0.0)
# Roster import tests: pause after each batch of the follow-up stage (to kill the worker
# there), and fail once if this file exists (imports/services/derived.py, _derived_test_hooks).
IMPORTS_DERIVED_PAUSE_SECONDS = env.float("IMPORTS_DERIVED_PAUSE_SECONDS", default=0.0)
IMPORTS_DERIVED_FAIL_ONCE_PATH = env("IMPORTS_DERIVED_FAIL_ONCE_PATH", default="")
# The test process's media folders (pkh/testing.py passes them), not new temporary ones:
# a file uploaded through the test server must be found by the worker.
MEDIA_ROOT = env("PKH_TEST_MEDIA_ROOT", default=MEDIA_ROOT)
PKH_PRIVATE_MEDIA_ROOT = env("PKH_TEST_PRIVATE_MEDIA_ROOT", default=PKH_PRIVATE_MEDIA_ROOT)
# Emails sent by the worker land as files where the test reads them (pkh/testing.py).
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env("PKH_TEST_EMAIL_DIR", default=str(MEDIA_ROOT) + "/sent-email")

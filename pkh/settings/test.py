"""Settings for the test suite: fast hashing, in-memory media, same database choice as base."""

import tempfile

from pkh.settings.base import *  # noqa: F403
from pkh.settings.base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="pkh-test-media-")
PKH_PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="pkh-test-private-")
# Tests that need a real worker opt in through the broker URL; the rest stay eager.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL_FOR_WORKER_TESTS = env("CELERY_BROKER_URL", default="")
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Query-count tests must not depend on how slow the machine is: a session write every
# minute would add queries to a request made more than a minute after the previous one.
PKH_SESSION_ACTIVITY_RESOLUTION = 60 * 60
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

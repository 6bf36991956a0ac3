"""Settings shared by every environment, read from the environment with django-environ.

Without ``DATABASE_URL`` the app uses SQLite in the project folder; without
``CELERY_BROKER_URL`` Celery tasks run eagerly in-process. ``.env.example`` lists
every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The load balancer probes /health/ over plain http (pkh/health.py).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "axes",
    # Project apps; dependencies point down this list (regions is the base).
    "regions",
    "accounts",
    # In-app notifications and the weekly digest: any app above accounts may notify.
    "notifications",
    "households",
    "assistance",
    "fds_sessions",
    "commitments",
    "graduation",
    "corrections",
    "complaints",
    "imports",
    "reports",
    # Offline field work: above households and fds_sessions, whose services it calls.
    "field",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /health/ for the load balancer: before sessions, host checks and login (pkh/health.py).
    "pkh.health.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pkh.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Signed-in pages hold personal data: no cache keeps them (pkh/middleware.py).
    "pkh.middleware.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pkh.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pkh.urls"
WSGI_APPLICATION = "pkh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pkh.context_processors.navigation",
            ],
            # Display filters (quarter_label, number) in every template (pkh/display.py).
            "builtins": ["pkh.display"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# Behind pgbouncer in transaction mode: .iterator() must not use server-side cursors
# (a cursor would outlive the transaction's server connection). docs/deployment.md.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# Celery worker processes keep their connection between tasks for this many seconds
# (pkh/celery.py), whatever DATABASE_CONN_MAX_AGE says for the web hosts: workers reach
# PostgreSQL directly (docs/deployment.md), hold one connection per process anyway, and
# a new connection per task costs ~25 ms (connecting, then warming the new backend's
# catalogue caches), about 15 % of a quarterly progress report. 0 = one per task.
DATABASE_WORKER_CONN_MAX_AGE = env.int("DATABASE_WORKER_CONN_MAX_AGE", default=600)
# With persistent connections, test one before reusing it: after a PostgreSQL restart a
# worker's first request then reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and an in-process worker read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request within seconds (a 503 page, pkh.views) rather
    # than holding a gunicorn worker until its timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# AxesStandaloneBackend first: it refuses a locked-out username+IP before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Bahasa Indonesia by default, English available. UI strings are
# written in Indonesian in the code; locale/en holds their English translations.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("PKH_TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
# One way of writing dates per language (pkh/formats/<language>/formats.py): templates use
# |date with no format. Counts get their thousands separator from |number, not from
# USE_THOUSAND_SEPARATOR, which would also group ids, years and values in URLs.
FORMAT_MODULE_PATH = ["pkh.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files about families (P2K2 session photos, signed graduation statements, uploaded
# rosters): outside MEDIA_ROOT, never served by URL; only scoped views read them
# (pkh/files.py). Nothing in the project serves MEDIA_URL.
PKH_PRIVATE_MEDIA_ROOT = Path(
    env("PKH_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security (docs/security.md). Sessions end after SESSION_COOKIE_AGE seconds in any case
# and after PKH_SESSION_IDLE_TIMEOUT seconds without a request (0 turns the idle limit off).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)
PKH_SESSION_IDLE_TIMEOUT = env.int("PKH_SESSION_IDLE_TIMEOUT", default=60 * 60 * 2)
# The last-request time in the session is rewritten at most this often (seconds), so
# most requests do not write the session row.
PKH_SESSION_ACTIVITY_RESOLUTION = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after PKH_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for PKH_LOGIN_COOLOFF_MINUTES; other
# users and the same user elsewhere are unaffected. Admins unlock early in the admin site
# ("Axes" > access attempts) or with `manage.py axes_reset_username USERNAME`.
AXES_ENABLED = env.bool("PKH_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.int("PKH_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PKH_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pkh.security.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "pkh.security.client_ip"
# Number of reverse proxies (load balancers) in front of the app that append to
# X-Forwarded-For; 0 means the client is REMOTE_ADDR (the header is ignored, since a
# client could forge it to dodge the lockout).
PKH_TRUSTED_PROXY_COUNT = env.int("PKH_TRUSTED_PROXY_COUNT", default=0)

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere; the
# templates keep scripts in static/js and styles in static/css/app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: the offline attendance screen previews the photo resized on the phone.
        "img-src": [SELF, "data:", "blob:"],
        # The offline service worker (/sw.js) and the web app manifest, both same-origin.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Celery: no broker configured means tasks run in-process (eagerly).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connections around every task unless this
# is set; pkh/celery.py applies Django's own rule instead (DATABASE_WORKER_CONN_MAX_AGE,
# health checks), so the fixup's own recycling (every N tasks) is pushed out of the way.
CELERY_DB_REUSE_MAX = 1_000_000
# Redis hands an unacknowledged task (acks_late) to another worker after this many
# seconds: it must outlast the longest task's time limit (roster imports: 2 h) plus its
# retry countdown, or a long task would run twice at once (pkh/tests/test_celery_config.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3 * 60 * 60)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Quarterly progress reports (reports app). Quarters are three-month blocks counted from
# PKH_QUARTER_FIRST_MONTH (1 = calendar quarters Jan-Mar, Apr-Jun, ...); a quarter's
# boundaries are midnight in PKH_REPORT_TIME_ZONE.
PKH_REPORT_TIME_ZONE = env("PKH_REPORT_TIME_ZONE", default="Asia/Jakarta")
PKH_QUARTER_FIRST_MONTH = env.int("PKH_QUARTER_FIRST_MONTH", default=1)
PKH_REPORT_RUN_HOUR = env.int("PKH_REPORT_RUN_HOUR", default=2)
PKH_REPORT_SOFT_TIME_LIMIT = env.int("PKH_REPORT_SOFT_TIME_LIMIT", default=120)
PKH_REPORT_TIME_LIMIT = env.int("PKH_REPORT_TIME_LIMIT", default=180)
PKH_REPORT_MAX_ATTEMPTS = env.int("PKH_REPORT_MAX_ATTEMPTS", default=5)
# Queued or running report items untouched for this long are re-enqueued by the watchdog.
PKH_REPORT_STALL_MINUTES = env.int("PKH_REPORT_STALL_MINUTES", default=30)
# Test hook only (pkh/settings/worker_test.py): seconds a report task waits inside its
# write transaction, so a test can kill the worker there. Always 0 in real use.
PKH_REPORT_PAUSE_BEFORE_COMMIT = 0.0

# Email (notifications app, docs/complaints.md). EMAIL_URL picks the backend: the default
# consolemail:// prints each email on the worker's console; smtp://user:pass@host:587 or
# smtp+tls://... sends for real. The links in emails start with PKH_SITE_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Pendamping PKH <pendamping@localhost>"
)
PKH_SITE_URL = env("PKH_SITE_URL", default="http://127.0.0.1:8000")
# The weekly digest: day (crontab day_of_week, 1 = Monday) and hour; a user is sent at most
# one digest per PKH_DIGEST_MIN_INTERVAL_HOURS, so a rerun of the task sends nothing twice.
# Local defaults (the programme sets no schedule).
PKH_DIGEST_WEEKDAY = env.int("PKH_DIGEST_WEEKDAY", default=1)
PKH_DIGEST_HOUR = env.int("PKH_DIGEST_HOUR", default=7)
PKH_DIGEST_MIN_INTERVAL_HOURS = env.int("PKH_DIGEST_MIN_INTERVAL_HOURS", default=6 * 24)

_quarter_months = sorted((PKH_QUARTER_FIRST_MONTH - 1 + 3 * k) % 12 + 1 for k in range(4))
CELERY_BEAT_SCHEDULE = {
    # Runs at PKH_REPORT_RUN_HOUR:00 (CELERY_TIMEZONE) on the first day of each quarter,
    # i.e. the first day after the previous quarter ended (1 Jan, 1 Apr, 1 Jul, 1 Oct with
    # calendar quarters): one progress report per active facilitator for that quarter.
    "quarterly-progress-reports": {
        "task": "reports.tasks.quarter_reports_start",
        "schedule": crontab(
            minute=0,
            hour=PKH_REPORT_RUN_HOUR,
            day_of_month=1,
            month_of_year=",".join(str(m) for m in _quarter_months),
        ),
    },
    # Every 15 minutes: re-enqueue report items whose worker died (acks_late keeps the
    # message in Redis until the visibility timeout; this brings them back sooner).
    "progress-reports-watchdog": {
        "task": "reports.tasks.report_runs_resume_stalled",
        "schedule": crontab(minute="*/15"),
    },
    # Every 5 minutes: a roster import's follow-up stage (aid coverage, P2K2 groups)
    # whose worker died or whose task was lost is queued again.
    "imports-derived-resume": {
        "task": "imports.tasks.roster_imports_derived_resume_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every night at 01:15, before the aid refresh below: every roster import's
    # follow-up stage still open (failed after its retries, or never run) runs now.
    "imports-derived-repair": {
        "task": "imports.tasks.roster_imports_derived_repair_task",
        "schedule": crontab(hour=1, minute=15),
    },
    # Every night at 01:30 (Asia/Jakarta): members' ages move across the aids' age
    # limits, so every family's stored aid eligibility is refreshed.
    "assistance-eligibility-nightly": {
        "task": "assistance.tasks.aid_eligibility_refresh_all",
        "schedule": crontab(hour=1, minute=30),
    },
    # Every week, on PKH_DIGEST_WEEKDAY (0 = Sunday, 1 = Monday, ...) at PKH_DIGEST_HOUR:00
    # (CELERY_TIMEZONE): the email digest to supervisors and admins (notifications app).
    "notifications-weekly-digest": {
        "task": "notifications.tasks.weekly_digest_send",
        "schedule": crontab(minute=0, hour=PKH_DIGEST_HOUR, day_of_week=PKH_DIGEST_WEEKDAY),
    },
    # Every day at 06:00: open complaints past their deadline escalate to the supervisor,
    # PKH_COMPLAINT_ADMIN_ESCALATION_DAYS later to the admins (complaints app); the rule
    # is by date, so once a day is enough and a rerun changes nothing.
    "complaints-escalate": {
        "task": "complaints.tasks.complaints_escalate",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every night at 03:15: delete expired logins (sessions live in the database, which
    # keeps them until someone deletes them).
    "sessions-clear-expired": {
        "task": "pkh.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Programme settings (see docs/domain.md: values marked *setting* there).
PKH_LANSIA_MIN_AGE = env.int("PKH_LANSIA_MIN_AGE", default=60)
# Component rules (households/components.py, docs/domain.md "Component rules").
# IBU_HAMIL (ibu hamil/nifas) counts until this many days after the HPL, the expected
# delivery date: the nifas period, which Permenkes 97/2014 (pelayanan kesehatan masa
# sesudah melahirkan) sets at 6 hours to 42 days after delivery.
PKH_NIFAS_DAYS = env.int("PKH_NIFAS_DAYS", default=42)
# ANAK_USIA_DINI is "anak usia 0-6 tahun": a child counts while their age in completed
# years is at most this (6: a six-year-old is still 0-6), i.e. until the 7th birthday.
PKH_EARLY_CHILDHOOD_MAX_AGE = env.int("PKH_EARLY_CHILDHOOD_MAX_AGE", default=6)
PKH_NO_VISIT_DAYS = env.int("PKH_NO_VISIT_DAYS", default=30)
PKH_CASELOAD_PAGE_SIZE = env.int("PKH_CASELOAD_PAGE_SIZE", default=25)
# Facilitators per page of the team overview (an admin's region can have hundreds).
PKH_TEAM_OVERVIEW_PAGE_SIZE = 50
# Longer village/FDS-group lists in the caseload filter are narrowed to one facilitator's.
PKH_FILTER_MAX_CHOICES = env.int("PKH_FILTER_MAX_CHOICES", default=500)
# P2K2 session photos: largest upload accepted, and the stored sizes (longest side, px).
PKH_FDS_PHOTO_MAX_BYTES = env.int("PKH_FDS_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PKH_FDS_PHOTO_SIZE = env.int("PKH_FDS_PHOTO_SIZE", default=1600)
PKH_FDS_THUMBNAIL_SIZE = env.int("PKH_FDS_THUMBNAIL_SIZE", default=320)
# Offline field work (docs/offline.md), local defaults: the most records one sync
# request may carry (a larger batch is refused whole), the largest photo accepted from
# the phone after it resized it (bytes) and the longest side it resizes to (px), and
# which planned P2K2 sessions the phone stores (days back and ahead of today, at most N).
PKH_FIELD_SYNC_BATCH_MAX = env.int("PKH_FIELD_SYNC_BATCH_MAX", default=50)
PKH_FIELD_PHOTO_MAX_BYTES = env.int("PKH_FIELD_PHOTO_MAX_BYTES", default=1024 * 1024)
PKH_FIELD_PHOTO_SIDE = env.int("PKH_FIELD_PHOTO_SIDE", default=1280)
PKH_FIELD_SESSIONS_DAYS_BACK = env.int("PKH_FIELD_SESSIONS_DAYS_BACK", default=14)
PKH_FIELD_SESSIONS_DAYS_AHEAD = env.int("PKH_FIELD_SESSIONS_DAYS_AHEAD", default=31)
PKH_FIELD_SESSIONS_MAX = env.int("PKH_FIELD_SESSIONS_MAX", default=20)
# Graduation: readiness classes by assessment score (percent of the form's maximum),
# the yearly self-graduation target per facilitator (Kemensos 2025: 10), how recent an
# assessment a proposal needs, and the signed statement's upload limit. Statements are
# kept outside MEDIA_ROOT and served only through a scoped view.
# A child holding an education component whose school level was never recorded still
# counts until this age (PKH: children 6-21 who have not finished 12 years of school).
PKH_EDUCATION_MAX_AGE = env.int("PKH_EDUCATION_MAX_AGE", default=21)
PKH_GRADUATION_READY_SCORE = env.int("PKH_GRADUATION_READY_SCORE", default=70)
PKH_GRADUATION_APPROACHING_SCORE = env.int("PKH_GRADUATION_APPROACHING_SCORE", default=50)
PKH_GRADUATION_YEARLY_TARGET = env.int("PKH_GRADUATION_YEARLY_TARGET", default=10)
PKH_GRADUATION_ASSESSMENT_MAX_AGE_DAYS = env.int(
    "PKH_GRADUATION_ASSESSMENT_MAX_AGE_DAYS", default=183
)
PKH_GRADUATION_STATEMENT_MAX_BYTES = env.int(
    "PKH_GRADUATION_STATEMENT_MAX_BYTES", default=5 * 1024 * 1024
)
# Data corrections (docs/corrections.md): rows per list page, and the photo of the
# document seen (largest upload accepted; stored size, longest side in px). Local defaults.
PKH_CORRECTIONS_PAGE_SIZE = env.int("PKH_CORRECTIONS_PAGE_SIZE", default=25)
PKH_CORRECTION_PHOTO_MAX_BYTES = env.int("PKH_CORRECTION_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PKH_CORRECTION_PHOTO_SIZE = env.int("PKH_CORRECTION_PHOTO_SIZE", default=1600)
# Commitment verification (docs/commitments.md). Programme rules: attendance of at least
# 85 % of school days (DOMAIN "Obligations"); monthly weighing of under-fives; the
# immunisation months of the national schedule (0, 1, 2, 3, 4, 9 and 18 months). Local
# defaults the app chose, to be set by the district: which absences count against
# attendance (all three: the literal reading of "attending 85 % of school days"), the
# item each health component asks monthly, the day of the next month by which a month's
# verification is due, and after how many non-compliant months a home visit is due.
PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT = env.int("PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT", default=85)
PKH_COMMITMENT_ABSENCES_COUNTED = env.list(
    "PKH_COMMITMENT_ABSENCES_COUNTED", default=["sick", "excused", "unexcused"]
)
PKH_COMMITMENT_EDUCATION_COMPONENTS = env.list(
    "PKH_COMMITMENT_EDUCATION_COMPONENTS", default=["SD", "SMP", "SMA"]
)
PKH_COMMITMENT_IBU_HAMIL_ITEMS = env.list(
    "PKH_COMMITMENT_IBU_HAMIL_ITEMS", default=["antenatal_check"]
)
PKH_COMMITMENT_UNDER_FIVE_ITEMS = env.list("PKH_COMMITMENT_UNDER_FIVE_ITEMS", default=["weighed"])
PKH_COMMITMENT_WEIGHING_MAX_AGE_MONTHS = env.int(
    "PKH_COMMITMENT_WEIGHING_MAX_AGE_MONTHS", default=60
)
PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS = env.list(
    "PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS", cast=int, default=[0, 1, 2, 3, 4, 9, 18]
)
PKH_COMMITMENT_OLDER_CHILD_ITEMS = env.list(
    "PKH_COMMITMENT_OLDER_CHILD_ITEMS", default=["posyandu_visit"]
)
PKH_COMMITMENT_LANSIA_ITEMS = env.list("PKH_COMMITMENT_LANSIA_ITEMS", default=["care_visit"])
PKH_COMMITMENT_DISABILITAS_ITEMS = env.list(
    "PKH_COMMITMENT_DISABILITAS_ITEMS", default=["care_visit"]
)
# The school days a month sheet suggests until the facilitator enters the school's own
# count: the weekdays of the month on a school week of this many days (local default).
PKH_COMMITMENT_SCHOOL_WEEK_DAYS = env.int("PKH_COMMITMENT_SCHOOL_WEEK_DAYS", default=5)
PKH_COMMITMENT_ENTRY_DUE_DAY = env.int("PKH_COMMITMENT_ENTRY_DUE_DAY", default=10)
# Rows one verification sheet import may hold (docs/commitments.md, "Import a
# verification sheet"): it is checked and written while the page waits.
PKH_COMMITMENT_IMPORT_MAX_ROWS = env.int("PKH_COMMITMENT_IMPORT_MAX_ROWS", default=5000)
PKH_COMMITMENT_HOME_VISIT_AFTER_MONTHS = env.int(
    "PKH_COMMITMENT_HOME_VISIT_AFTER_MONTHS", default=2
)
# Consequences of non-compliance per family per calendar quarter (docs/commitments.md;
# DOMAIN "Obligations": about 10 % off the benefit, suspension after a quarter of
# non-compliance, cancellation after longer). A month is non-compliant for the family
# when any member fails any component that month. First warning: the family failed at
# least WARNING_MIN_MONTHS months of the quarter. Reduction: a member failed at least
# REDUCTION_MIN_MONTHS months of the quarter; REDUCTION_PERCENT of the quarter's share
# (a quarter of the yearly rate) of that member's component comes off the estimate.
# Suspension proposed: the family failed SUSPENSION_MIN_MONTHS months of the quarter
# (3: the whole quarter). Cancellation proposed: CANCELLATION_AFTER_QUARTERS quarters in
# a row each reached the suspension threshold. The month counts are local defaults, to
# be set by the district from the programme's current guideline.
PKH_COMMITMENT_WARNING_MIN_MONTHS = env.int("PKH_COMMITMENT_WARNING_MIN_MONTHS", default=1)
PKH_COMMITMENT_REDUCTION_MIN_MONTHS = env.int("PKH_COMMITMENT_REDUCTION_MIN_MONTHS", default=2)
PKH_COMMITMENT_REDUCTION_PERCENT = env.int("PKH_COMMITMENT_REDUCTION_PERCENT", default=10)
PKH_COMMITMENT_SUSPENSION_MIN_MONTHS = env.int("PKH_COMMITMENT_SUSPENSION_MIN_MONTHS", default=3)
PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS = env.int(
    "PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS", default=2
)
# Complaints (docs/complaints.md): the service-level deadline of a category without its
# own (days from the day it was opened), and how many days after the deadline an open
# complaint, already escalated to the supervisor, escalates to the admins. Local defaults.
PKH_COMPLAINT_DEADLINE_DAYS = env.int("PKH_COMPLAINT_DEADLINE_DAYS", default=14)
PKH_COMPLAINT_ADMIN_ESCALATION_DAYS = env.int("PKH_COMPLAINT_ADMIN_ESCALATION_DAYS", default=7)
PKH_COMPLAINT_PAGE_SIZE = env.int("PKH_COMPLAINT_PAGE_SIZE", default=25)
# Roster import (docs/imports.md).
IMPORTS_STALE_SECONDS = env.int("IMPORTS_STALE_SECONDS", default=60)
IMPORTS_STAGING_DAYS = env.int("IMPORTS_STAGING_DAYS", default=7)
# The follow-up stage after a committed import (aid coverage, P2K2 groups): families per
# batch (one transaction per batch and reaction), and how long a queued stage may wait
# for its task before the watchdog queues it again. Local defaults.
IMPORTS_DERIVED_BATCH = env.int("IMPORTS_DERIVED_BATCH", default=25_000)
IMPORTS_DERIVED_REQUEUE_SECONDS = env.int("IMPORTS_DERIVED_REQUEUE_SECONDS", default=600)
# Test hooks only (pkh/settings/worker_test.py): always off in real use.
IMPORTS_DERIVED_PAUSE_SECONDS = 0.0
IMPORTS_DERIVED_FAIL_ONCE_PATH = ""
IMPORTS_LOCK_TIMEOUT_SECONDS = env.int("IMPORTS_LOCK_TIMEOUT_SECONDS", default=3600)
IMPORTS_MAX_UPLOAD_MB = env.int("IMPORTS_MAX_UPLOAD_MB", default=200)
# An XLSX is a zip: what its parts may expand to in all (about 900,000 roster rows as
# openpyxl writes them), and the longest cell (Excel's own limit), read while unpacking.
IMPORTS_XLSX_MAX_EXPANDED_MB = env.int("IMPORTS_XLSX_MAX_EXPANDED_MB", default=1024)
IMPORTS_XLSX_MAX_CELL_CHARS = env.int("IMPORTS_XLSX_MAX_CELL_CHARS", default=32767)

# Django's dictConfig of LOGGING, then the NIK filter on every handler, Django's own too.
# A refused form's page in the app's frame, not Django's English one (pkh/views.py).
CSRF_FAILURE_VIEW = "pkh.views.csrf_failure"
LOGGING_CONFIG = "pkh.logging.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "pkh.logging.RedactPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        }
    },
    # Development (`make run`): warnings and errors only, so a command or a report run
    # prints no INFO line per step; production.py raises the default to INFO.
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

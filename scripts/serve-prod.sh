#!/usr/bin/env bash
# `make serve`: the production setup on this machine. gunicorn (static files through
# whitenoise), a Celery worker and Celery beat, from the Procfile, with DEBUG off and
# pkh.settings.production, against PostgreSQL and Redis.
#
# Every setting comes from the environment or .env (see .env.example); for a run on this
# machine the defaults below point at the local PostgreSQL and Redis and plain http on
# loopback. SEED_DEMO=1 also loads the demo data.
#
# Stops with Ctrl-C (SIGINT) or SIGTERM to honcho: it sends SIGTERM to the process group
# of each of the three (gunicorn finishes its requests, the worker its tasks) and SIGKILL
# to whatever still runs 5 s later; a task cut short was never acknowledged (acks_late),
# so Redis hands it out again after the visibility timeout (docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

export DJANGO_SETTINGS_MODULE=pkh.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pendamping}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"
# Plain http on loopback: no https redirect, and cookies without the Secure flag (a
# deployment behind TLS keeps the production defaults: both on).
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-false}"
export DJANGO_SECURE_HSTS_SECONDS="${DJANGO_SECURE_HSTS_SECONDS:-0}"
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  # A key kept beside the checkout, so sessions survive a restart of `make serve`.
  if [ ! -s .serve-secret-key ]; then
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' > .serve-secret-key)
  fi
  DJANGO_SECRET_KEY="$(cat .serve-secret-key)"
  export DJANGO_SECRET_KEY
fi

# Create the database if it is missing (local PostgreSQL only; never drops anything).
python - <<'PY'
import os
from urllib.parse import urlparse

import psycopg2

url = urlparse(os.environ["DATABASE_URL"])
if url.scheme.startswith("postgres"):
    name = url.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres", user=url.username, password=url.password,
        host=url.hostname, port=url.port or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
PY
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
# The bundled Kemendagri regions (idempotent; LOAD_REGIONS=0 skips it when they are
# loaded already: the smoke test, or a restart after a deploy that loaded them).
if [ "${LOAD_REGIONS:-1}" != "0" ]; then
  python manage.py load_regions
fi
if [ "${SEED_DEMO:-0}" = "1" ]; then
  # On purpose: seed_demo refuses production settings without this flag.
  python manage.py seed_demo --allow-production
fi

cat <<TXT

  Pendamping (production setup) at  http://${GUNICORN_BIND}
  gunicorn (${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))} workers) + Celery worker + Celery beat; Ctrl-C stops all three.

TXT
exec honcho start -f Procfile "$@"

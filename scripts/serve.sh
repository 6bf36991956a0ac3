#!/usr/bin/env bash
# Serve the app on http://127.0.0.1:8000. With CELERY_BROKER_URL set, also run a Celery
# worker with the beat scheduler beside it (stopped together with the server).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

cat <<'TXT'

  Pendamping is running at  http://127.0.0.1:8000

  Demo logins (password for all: demo12345)
    admin        admin (Kabupaten Bantul)
    supervisor   supervisor (team lead, Kecamatan Jetis)
    facilitator  pendamping1 ... pendamping5

TXT
if [ -n "${CELERY_BROKER_URL:-}" ]; then
  .venv/bin/celery -A pkh worker --beat --loglevel=INFO --concurrency=2 &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
else
  echo "  (no CELERY_BROKER_URL: background tasks run in-process)"
fi
exec_or_wait() { "$PY" manage.py runserver 127.0.0.1:8000; }
exec_or_wait

#!/usr/bin/env bash
# Serve the app on http://127.0.0.1:$PORT (8000 unless PORT says otherwise). With
# CELERY_BROKER_URL set, also run a Celery worker with the beat scheduler beside it
# (stopped together with the server). SERVE_DRY_RUN=1 prints the commands it would run
# and runs nothing (scripts/tests: the port is passed through).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
case "$PORT" in
  '' | *[!0-9]*) echo "PORT must be a number, not '$PORT'" >&2; exit 2 ;;
esac
# The worker writes warnings only, like the server's settings (pkh/settings/base.py).
WORKER=(.venv/bin/celery -A pkh worker --beat --loglevel="${CELERY_LOG_LEVEL:-WARNING}" --concurrency=2)
SERVER=("$PY" manage.py runserver "127.0.0.1:$PORT")

if [ "${SERVE_DRY_RUN:-}" = 1 ]; then
  if [ -n "${CELERY_BROKER_URL:-}" ]; then echo "${WORKER[*]}"; fi
  echo "${SERVER[*]}"
  exit 0
fi

cat <<TXT

  Pendamping is running at  http://127.0.0.1:$PORT

  Demo logins (password for all: demo12345)
    admin        admin (Kabupaten Bantul)
    supervisor   supervisor (team lead, Kecamatan Jetis)
    facilitator  pendamping1 ... pendamping5

TXT
if [ -n "${CELERY_BROKER_URL:-}" ]; then
  "${WORKER[@]}" &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
else
  echo "  (no CELERY_BROKER_URL: background tasks run in-process)"
fi
"${SERVER[@]}"

#!/usr/bin/env bash
# Known vulnerabilities in the pinned requirements (pip-audit, PyPI's advisory data).
#
# pip-audit asks a vulnerability service about each pinned version. When that service
# cannot be reached (some networks let the package index through but not PyPI's
# per-version JSON API, OSV or ecosyste.ms), this says so plainly and exits 0, unless
# REQUIRE_AUDIT=1 makes that a failure. When it can be reached, any known vulnerability,
# or any package it could not look up, fails (--strict).
set -euo pipefail
cd "$(dirname "$0")/.."
audit=.venv/bin/pip-audit
service="${PIP_AUDIT_SERVICE:-pypi}"

probe() {
  case "$service" in
    pypi) curl -fsS -m 20 -o /dev/null "https://pypi.org/pypi/django/5.2/json" ;;
    osv) curl -fsS -m 20 -o /dev/null -X POST -d '{"package":{"name":"django","ecosystem":"PyPI"},"version":"5.2"}' https://api.osv.dev/v1/query ;;
    *) return 0 ;;
  esac
}

if ! probe; then
  echo "pip-audit: SKIPPED: the '$service' vulnerability service is unreachable from this network."
  echo "pip-audit: run 'make audit' where it is reachable (PIP_AUDIT_SERVICE=pypi|osv)."
  if [ "${REQUIRE_AUDIT:-0}" = "1" ]; then exit 1; fi
  exit 0
fi
"$audit" --strict --progress-spinner off --vulnerability-service "$service" \
  -r requirements.txt -r requirements-dev.txt

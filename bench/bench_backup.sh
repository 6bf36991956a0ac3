#!/usr/bin/env bash
# Time scripts/backup.sh and scripts/restore.sh on a seeded database (docs/deployment.md):
#
#   bench/bench_backup.sh pkh_bench            # server: PGHOST/PGUSER or 127.0.0.1/postgres
#
# Backs up SOURCE_DB (read only: pg_dump) into a temporary folder, restores the dump into
# a database this script creates (SOURCE_DB_restore_bench) and drops again, and prints the
# dump size, both times, the load average before and after, and the row counts of both.
# The files part is left out (no media folders): it is a plain tar.
set -euo pipefail
cd "$(dirname "$0")/.."
source_db="${1:?usage: bench/bench_backup.sh SOURCE_DB}"
host="${PGHOST:-127.0.0.1}"
user="${PGUSER:-postgres}"
server="postgres://$user@$host:5432"
target="${source_db}_restore_bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"; psql "$server/postgres" -qc "DROP DATABASE IF EXISTS \"$target\"" >/dev/null 2>&1 || true' EXIT

counts() {
  psql "$server/$1" -Atc "SELECT (SELECT count(*) FROM households_household) || ' families, '
    || (SELECT count(*) FROM households_member) || ' members, '
    || (SELECT count(*) FROM households_visit) || ' visits, '
    || pg_size_pretty(pg_database_size(current_database()))"
}

echo "load before: $(uptime)"
started=$(date +%s.%N)
DATABASE_URL="$server/$source_db" BACKUP_DIR="$work" BACKUP_KEEP=1 \
  DJANGO_MEDIA_ROOT=/nonexistent PKH_PRIVATE_MEDIA_ROOT=/nonexistent scripts/backup.sh
echo "backup: $(echo "$(date +%s.%N) - $started" | bc) s"
echo "load: $(uptime)"
psql "$server/postgres" -qc "CREATE DATABASE \"$target\""
started=$(date +%s.%N)
scripts/restore.sh "$work"/*.dump "$server/$target"
echo "restore: $(echo "$(date +%s.%N) - $started" | bc) s"
echo "load after: $(uptime)"
echo "source:   $(counts "$source_db")"
echo "restored: $(counts "$target")"

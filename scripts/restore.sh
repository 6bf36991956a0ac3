#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh.
#
#   scripts/restore.sh [--force] BACKUP.dump TARGET_DATABASE
#   scripts/restore.sh [--force] --files BACKUP-private-media.tar TARGET_FOLDER
#
# TARGET_DATABASE is a database name (server from the PG* variables / libpq defaults) or
# a URL (postgres://user@host:5432/name). The database must exist and should be empty:
# create it first (`createdb -h HOST -U postgres pendamping_restored`). Restoring into a
# fresh database and then pointing DATABASE_URL at it is the safe way; the old database
# stays as it was until you drop it.
#
# A database that already holds tables is refused unless --force is given. With --force,
# pg_restore runs with --clean --if-exists: before creating each object that is in the
# backup it drops the object of the same name if there is one ("if exists": no error for
# the ones that are missing). Objects that are NOT in the backup are left alone, so a
# database migrated past the backup keeps the tables only it has: the result is the
# backup's data plus leftovers. Prefer an empty database.
#
# The restore runs in a single transaction (--single-transaction --exit-on-error): it
# either completes or leaves the target as it was. Ownership and grants in the backup
# are not restored (--no-owner --no-acl): every object belongs to the role that restores.
# Afterwards the planner statistics are rebuilt (ANALYZE), which pg_restore does not do.
#
# --files extracts a file archive (media or private media) into TARGET_FOLDER, refusing
# a folder that is not empty unless --force (then files of the same name are replaced
# and other files stay).
set -euo pipefail

usage() {
  sed -n '4,5p' "$0" | sed 's/^# *//' >&2
  exit 2
}

force=0
files=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1; shift ;;
    --files) files=1; shift ;;
    -h | --help) usage ;;
    --) shift; break ;;
    -*) echo "restore.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || usage
source_file="$1"
target="$2"
[ -r "$source_file" ] || { echo "restore.sh: cannot read $source_file" >&2; exit 2; }

if [ "$files" = 1 ]; then
  mkdir -p "$target"
  if [ -n "$(ls -A "$target")" ] && [ "$force" != 1 ]; then
    echo "restore.sh: $target is not empty; refusing to extract over it (use --force)" >&2
    exit 3
  fi
  (umask 077 && tar --extract --file="$source_file" --directory="$target")
  echo "files restored into $target"
  exit 0
fi

# Check the archive before touching the database.
pg_restore --list "$source_file" >/dev/null

tables=$(psql --dbname="$target" --no-psqlrc --tuples-only --no-align --quiet --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%'")
clean=()
if [ "$tables" -gt 0 ]; then
  if [ "$force" != 1 ]; then
    echo "restore.sh: the target database already has $tables tables; refusing to" \
      "restore over it (restore into an empty database, or use --force)" >&2
    exit 3
  fi
  clean=(--clean --if-exists)
fi

pg_restore --dbname="$target" --no-owner --no-acl --single-transaction --exit-on-error \
  "${clean[@]}" "$source_file"
psql --dbname="$target" --no-psqlrc --quiet --command="ANALYZE"
echo "database restored from $(basename "$source_file")"

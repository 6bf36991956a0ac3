#!/usr/bin/env bash
# Back up Pendamping: the PostgreSQL database (pg_dump custom format) and the two file
# folders (uploaded rosters in DJANGO_MEDIA_ROOT; photos and signed statements in
# PKH_PRIVATE_MEDIA_ROOT), one set per run, all named with the same UTC timestamp:
#
#   $BACKUP_DIR/pendamping-<db>-20261122T020000Z.dump
#   $BACKUP_DIR/pendamping-<db>-20261122T020000Z-media.tar
#   $BACKUP_DIR/pendamping-<db>-20261122T020000Z-private-media.tar
#
# keeping the newest BACKUP_KEEP sets (default 14) and deleting older ones. Run it from
# cron (docs/deployment.md); restore with scripts/restore.sh.
#
# Environment: DATABASE_URL (required, postgres://...), BACKUP_DIR (default ./backups),
# BACKUP_KEEP (default 14), DJANGO_MEDIA_ROOT and PKH_PRIVATE_MEDIA_ROOT (defaults as in
# the settings: media/ and private_media/ in the project folder). The backups hold
# personal data: they are written readable by their owner only. Nothing secret is
# printed (not the database URL, which may carry a password).
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"

database_url="${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$database_url" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
backup_dir="${BACKUP_DIR:-$project/backups}"
keep="${BACKUP_KEEP:-14}"
media_root="${DJANGO_MEDIA_ROOT:-$project/media}"
private_root="${PKH_PRIVATE_MEDIA_ROOT:-$project/private_media}"
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "backup.sh: BACKUP_KEEP must be a whole number of at least 1" >&2
  exit 2
fi

# The database name, for the file name only: the URL's path without any ?options.
db_name="${database_url##*/}"
db_name="${db_name%%\?*}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
prefix="$backup_dir/pendamping-$db_name-$stamp"

umask 077
mkdir -p "$backup_dir"

# Write under a temporary name and rename at the end: a dump cut short (disk full, killed)
# never looks like a backup, and never pushes a good one out of the retention window.
pg_dump --format=custom --compress=6 --dbname="$database_url" --file="$prefix.dump.partial"
# A readable archive lists its table of contents; a damaged one fails here, not at restore.
pg_restore --list "$prefix.dump.partial" >/dev/null
mv "$prefix.dump.partial" "$prefix.dump"
echo "database $db_name -> $prefix.dump ($(du -h "$prefix.dump" | cut -f1))"

# Files after the database: every file a restored row points to was already there when
# the dump was taken (a file added since is only extra). Photos and PDFs are already
# compressed, so the archives are plain tar.
archive() {
  local root="$1" target="$2"
  if [ -d "$root" ]; then
    tar --create --file="$target.partial" --directory="$root" .
    mv "$target.partial" "$target"
    echo "files $(basename "$root")/ -> $target ($(du -h "$target" | cut -f1))"
  else
    echo "files: $root does not exist, nothing to archive"
  fi
}
archive "$media_root" "$prefix-media.tar"
archive "$private_root" "$prefix-private-media.tar"

# Retention: the newest $keep sets by their timestamp (names sort by time).
mapfile -t dumps < <(find "$backup_dir" -maxdepth 1 -type f -name "pendamping-$db_name-[0-9]???????T??????Z.dump" | sort)
excess=$(( ${#dumps[@]} - keep ))
for (( i = 0; i < excess; i++ )); do
  old="${dumps[$i]%.dump}"
  rm -f "$old.dump" "$old-media.tar" "$old-private-media.tar"
  echo "removed old backup $(basename "$old")"
done

#!/bin/bash
# Before/after of the import's registry part, interleaved on the same load:
#   bench/import_ab.sh OLD_CHECKOUT NEW_CHECKOUT ROSTER.csv TEMPLATE_DB [ROUNDS]
# Each run imports ROSTER.csv (validate + write) into a fresh copy of TEMPLATE_DB (the
# seeded registry bench_import.py keeps) with IMPORTS_SQL_TIMING=1, from OLD then NEW;
# per-step times are in /tmp/import_ab-<side>-<round>.err.
set -e
old=$1 new=$2 roster=$3 template=$4 rounds=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
for round in $(seq "$rounds"); do
  for side in old new; do
    dir=$old; [ "$side" = new ] && dir=$new
    dropdb -h 127.0.0.1 -U postgres --if-exists import_ab
    createdb -h 127.0.0.1 -U postgres -T "$template" import_ab
    (cd "$dir" && DATABASE_URL=postgres://postgres@127.0.0.1:5432/import_ab \
      PKH_PRIVATE_MEDIA_ROOT=$(mktemp -d) DJANGO_DEBUG=false IMPORTS_SQL_TIMING=1 \
      DJANGO_LOG_LEVEL=WARNING .venv/bin/python "$here/import_write_profile.py" "$roster" 100000 \
      > /tmp/import_ab-$side-$round.out 2> /tmp/import_ab-$side-$round.err)
    echo "$side $round $(grep -E '^(validate|write)' /tmp/import_ab-$side-$round.out | tr '\n' ' ')" \
      "load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
dropdb -h 127.0.0.1 -U postgres --if-exists import_ab

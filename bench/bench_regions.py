"""Time ``python manage.py load_regions`` (all 91,599 Kemendagri rows) and its rerun.

    createdb -h 127.0.0.1 -U postgres pkh_bench_regions      # a throwaway database
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_bench_regions
    .venv/bin/python -m bench.bench_regions                  # or without DATABASE_URL: SQLite

It empties the region table first (so it refuses a database with users or families),
then runs the real command twice in a fresh process each time: a first load into an
empty table and a rerun that must change nothing. Target: under a minute.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from bench.common import ROOT, database_name, setup_django

TARGET_S = 60.0


def _run_command() -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "load_regions"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "False"},
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout.strip()


def main() -> int:
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from regions.models import Region

    name = database_name()
    if str(name).startswith("test_"):
        print(f"refused: {name} looks like a test database", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        for table in ("accounts_user", "households_household"):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                print(f"refused: {name} has rows in {table}; use a throwaway database")
                return 2
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE households_region CASCADE")
        else:
            cursor.execute("DELETE FROM accounts_user_areas")
            cursor.execute("DELETE FROM households_region")
    connection.close()
    print(f"database: {connection.vendor} {name}")

    first, out1 = _run_command()
    print(f"first load:  {first:5.1f} s (whole process)  | {out1}")
    again, out2 = _run_command()
    print(f"rerun:       {again:5.1f} s (whole process)  | {out2}")
    total = Region.objects.count()
    levels = {lvl: Region.objects.filter(level=lvl).count() for lvl in (1, 2, 3, 4)}
    print(f"regions: {total} ({levels})")
    rerun_created = re.search(r"(\d+) created, (\d+) updated", out2)
    ok = (
        total == 91_599
        and rerun_created is not None
        and rerun_created.groups() == ("0", "0")
        and first < TARGET_S
        and again < TARGET_S
    )
    print("OK: under a minute, idempotent" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

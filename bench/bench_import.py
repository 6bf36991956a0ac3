"""Roster import benchmark (PostgreSQL only).

    createdb -h 127.0.0.1 -U postgres pkh_imports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_imports \
        .venv/bin/python bench/bench_import.py [--families 100000] [--small 25000]
        [--seed-families 200000]

With ``IMPORTS_SQL_TIMING=1`` in the environment each import logs the time of every
statement and step; the log of each run is written next to its CSV (``*.stderr``), and
the benchmark prints its steps and the **floor**: the two plain ``INSERT ... SELECT``
statements that put the new families and members into the registry (no validation,
no audit rows, no aid rows, no foreign-key checks), each as a multiple of the same
run's COPY. A 10x-COPY import cannot take less than those two statements.

1. Seeds the registry with ``bench/seed.py`` (200,000 families, ~800,000 members, with
   their audit trail, in Kabupaten Bantul 34.02; idempotent).
2. Generates two rosters of new families with ``bench/gen_roster.py``: ``--small`` and
   ``--families`` families (~4 members each, 2% rejected rows of mixed kinds), using
   the seeded facilitators and villages.
3. Baseline, in the same run: PostgreSQL's own COPY of the same CSV into a plain
   20-column text table.
4. Imports each roster with ``manage.py import_roster --skip-invalid --json`` in its own
   process (validation, deduplication and the write included) and reports wall time,
   rows/s and that process's peak RSS (from ``wait4``); then the big file again (every
   family unchanged).

Families created by step 4 are deleted at the start of the next run (then the tables they
were in are vacuumed and the staging tables emptied), so the benchmark can be repeated on
the same database with the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

SMALL_PREFIX, BIG_PREFIX = "0036", "0035"


def django_setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench_import.py needs PostgreSQL: set DATABASE_URL.")
    return connection


def prepare(seed_families: int) -> list[str]:
    """Seed (idempotent) and return the usernames of 50 seeded facilitators."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # In a process of its own: seeding grows this one, and the import processes forked
    # from it would start with its pages (their peak RSS, from wait4, would count them).
    subprocess.run(
        [sys.executable, "-m", "bench.seed", "--families", str(seed_families), "--region", "34.02"],
        cwd=ROOT,
        check=True,
    )
    from accounts.models import Role, User

    return list(
        User.objects.filter(role=Role.FACILITATOR, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:50]
    )


VACUUMED = (
    "households_household",
    "households_member",
    "households_member_components",
    "households_historicalhousehold",
    "households_historicalmember",
    "households_historicalmember_components",
    "households_householdtransfer",
    "assistance_aidenrolment",
    "assistance_historicalaidenrolment",
    "fds_sessions_groupmembership",
)


def delete_families(connection, prefix: str) -> None:
    """Remove families (and everything of theirs) whose ID starts with ``prefix``."""
    with connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE gone AS SELECT id FROM households_household "
            "WHERE id_keluarga LIKE %s",
            [prefix + "%"],
        )
        c.execute("SELECT COUNT(*) FROM gone")
        if c.fetchone()[0]:
            c.execute(
                "CREATE TEMP TABLE gone_m AS SELECT id FROM households_member "
                "WHERE household_id IN (SELECT id FROM gone)"
            )
            for sql in (
                # What the upper apps wrote for these families (aid rows, FDS periods).
                "DELETE FROM assistance_historicalaidenrolment WHERE household_id IN "
                "(SELECT id FROM gone)",
                "DELETE FROM assistance_aidenrolment WHERE household_id IN (SELECT id FROM gone)",
                "DELETE FROM fds_sessions_groupmembership WHERE household_id IN "
                "(SELECT id FROM gone)",
                "DELETE FROM households_historicalmember_components WHERE member_id IN "
                "(SELECT id FROM gone_m)",
                "DELETE FROM households_member_components WHERE member_id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_historicalmember WHERE id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_member WHERE id IN (SELECT id FROM gone_m)",
                "DELETE FROM households_householdtransfer WHERE household_id IN (SELECT id FROM gone)",
                "DELETE FROM households_historicalhousehold WHERE id IN (SELECT id FROM gone)",
                "DELETE FROM households_household WHERE id IN (SELECT id FROM gone)",
            ):
                c.execute(sql)
            c.execute("DROP TABLE gone_m")
        c.execute("DROP TABLE gone")
        c.execute(
            "TRUNCATE imports_stagingrow, imports_stagingfamily, imports_staginghousehold, "
            "imports_stagingmember"
        )
    from assistance.services.coverage import coverage_counts_rebuild

    coverage_counts_rebuild()  # the aid rollup without the deleted families
    # Every run deletes what the previous one wrote (about 3 million rows): without a
    # VACUUM the dead rows pile up run after run (autovacuum lags behind) and each run is
    # slower than the one before it, whatever the code.
    with connection.cursor() as c:
        for table in VACUUMED:
            c.execute(f"VACUUM ANALYZE {table}")


def generate(path: str, families: int, *, part: int, prefix: str, facilitators: list[str]) -> int:
    from bench.gen_roster import generate as gen

    return gen(path, families, part=part, prefix=prefix, facilitator_names=facilitators)


def copy_baseline(connection, path: str) -> float:
    """Seconds PostgreSQL's COPY takes to load the CSV into a plain 20-column table."""
    columns = ", ".join(f"c{i} text" for i in range(20))
    with connection.cursor() as c:
        c.execute(
            f"DROP TABLE IF EXISTS bench_copy_baseline; CREATE TABLE bench_copy_baseline ({columns})"
        )
    with open(path, encoding="utf-8-sig") as f, connection.cursor() as c:
        started = time.perf_counter()
        c.copy_expert(
            "COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)", f
        )
        elapsed = time.perf_counter() - started
    with connection.cursor() as c:
        c.execute("DROP TABLE bench_copy_baseline")
    return elapsed


def run_import(path: str) -> dict:
    """Run import_roster in its own process; wall time and that process's peak RSS."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "pkh.settings.base",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_roster",
            path,
            "--skip-invalid",
            "--by",
            "bench_admin",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    try:
        result = json.loads(out.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        sys.exit(f"import failed (status {status}):\n{out.decode()}\n{err.decode()}")
    log = Path(path).with_suffix(f".{time.time_ns()}.stderr")
    log.write_bytes(err)
    result["stderr"] = str(log)
    result["wall_seconds"] = wall
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    result["exit_status"] = os.waitstatus_to_exitcode(status)
    return result


def report(label: str, result: dict, copy_seconds: float | None = None) -> None:
    rows = result["rows"]
    line = (
        f"{label}: {rows} rows in {result['wall_seconds']:.1f} s = "
        f"{rows / result['wall_seconds']:,.0f} rows/s, peak RSS {result['peak_rss_mb']:.0f} MB; "
        f"households +{result['households_created']} ~{result['households_updated']} "
        f"={result['households_unchanged']} skipped {result['households_skipped']}, "
        f"members +{result['members_created']} ~{result['members_updated']} "
        f"={result['members_unchanged']}, rejected {result['rows_rejected']}, "
        f"warnings {result['warnings']}, committed {result['committed']}"
    )
    if copy_seconds:
        line += f"; COPY {copy_seconds:.2f} s, ratio {result['wall_seconds'] / copy_seconds:.1f}x"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    line += f"; load average {load}; log {result['stderr']}"
    print(line, flush=True)
    if copy_seconds:
        summarise(result["stderr"], copy_seconds, created=result["households_created"])


TIMING = re.compile(r" pkh\.sql (\d+\.\d+) s  (.*)$")
# The floor: the registry's two plain inserts (households, then members).
FLOOR = ("INSERT INTO households_household (", "INSERT INTO households_member (")
# Steps logged inside another one (the aid rollup, the FDS periods; and every
# "<group>.<step>" of imports.checks / imports.apply).
NESTED = ("[step] coverage_rebuild", "[step] memberships_sync")


def summarise(log: str, copy_seconds: float, *, created: int) -> None:
    """Print the steps of an IMPORTS_SQL_TIMING log and the floor (see the docstring)."""
    steps, within, floor = [], [], []
    for line in Path(log).read_text(errors="replace").splitlines():
        match = TIMING.search(line)
        if not match:
            continue
        seconds, text = float(match.group(1)), match.group(2)
        # Nested too: the named steps of check_file, check_registry and apply
        # ("[step] check_file.reject_nik_repeated_in_file", pkh.sql.run_steps).
        nested_step = text.startswith("[step] ") and "." in text[7:].split(" ")[0]
        if text.startswith(NESTED) or nested_step:
            within.append((text[7:], seconds))  # part of the step that follows it
        elif text.startswith("[step] "):
            steps.append((text[7:], seconds))
        elif text.startswith(FLOOR):
            floor.append((text.split(" (")[0][12:], seconds))
    if not steps:
        return  # IMPORTS_SQL_TIMING was not set
    print("  steps: " + ", ".join(f"{name} {sec:.1f} s" for name, sec in steps), flush=True)
    if within:
        print("  within them: " + ", ".join(f"{n} {sec:.1f} s" for n, sec in within), flush=True)
    if not created:
        return  # nothing new was written: no floor to show
    total = sum(sec for _name, sec in floor)
    parts = " + ".join(f"{table} {sec:.2f} s" for table, sec in floor)
    print(
        f"  floor (plain registry inserts): {parts} = {total:.2f} s = "
        f"{total / copy_seconds:.1f}x COPY",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Roster import benchmark (PostgreSQL)")
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--seed-families", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=25_000, help="0: skip the small file")
    args = parser.parse_args()
    connection = django_setup()
    facilitators = prepare(args.seed_families)
    from households.models import Household, Member

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    delete_families(connection, BIG_PREFIX)
    delete_families(connection, SMALL_PREFIX)
    print(
        f"registry: {Household.objects.count()} families, {Member.objects.count()} members",
        flush=True,
    )
    small, big = str(tmp / "small.csv"), str(tmp / "big.csv")
    n_small = (
        generate(small, args.small, part=2, prefix=SMALL_PREFIX, facilitators=facilitators)
        if args.small
        else 0
    )
    n_big = generate(big, args.families, part=1, prefix=BIG_PREFIX, facilitators=facilitators)
    print(
        f"files: small {args.small} families / {n_small} rows / "
        f"{os.path.getsize(small) / 1e6 if n_small else 0:.1f} MB; big {args.families} families / {n_big} rows / "
        f"{os.path.getsize(big) / 1e6:.1f} MB",
        flush=True,
    )
    if args.small:
        copy_small = copy_baseline(connection, small)
        report("small import", run_import(small), copy_small)
    copy_big = copy_baseline(connection, big)
    report("big import", run_import(big), copy_big)
    report("big import again (all unchanged)", run_import(big), copy_big)
    connection.close()


if __name__ == "__main__":
    main()

"""The roster import's follow-up stage alone (PostgreSQL only), repeatable.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imp15_derived \\
        .venv/bin/python -m bench.bench_derived --template bench_import_tpl200k \\
        --families 10000 [--rounds 2] [--out bench/out/import]

1. Once per size and template: the database is made from ``--template`` (a seeded
   registry, e.g. the one ``bench/bench_import.py`` keeps), the field roster
   (``bench/gen_roster_field.py``, the same file bench_import uses, kept in ``--out``)
   is imported with ``--skip-invalid`` up to the commit, the follow-up stage left
   pending, and that database is kept as ``<DATABASE NAME>_snap_<families>`` (drop it to
   make it again).
2. Every round: the database is made again from that copy and the follow-up stage
   (``imports.services.roster_import_derive``) runs in a process of its own with
   ``IMPORTS_SQL_TIMING=1``; its wall time, its steps and its statements over 0.2 s are
   printed.

The stage's whole time (``derived``) is what ``bench_import.py`` reports as the
follow-up stage.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkh.settings.base")

from bench.bench_import import (  # noqa: E402
    django_setup,
    facilitator_names,
    roster_file,
    server,
)

TIMING = re.compile(r" pkh\.sql (\d+\.\d+) s  (.*)$")

WRITE = """
import django, sys
django.setup()
from django.core.files import File
from accounts.models import User
from imports.models import ImportMode
from imports.services import roster_import_create, roster_import_run
path = sys.argv[1]
with open(path, "rb") as handle:
    ri = roster_import_create(by=User.objects.get(username="bench_admin"),
        file=File(handle, name="roster.csv"), file_name="roster.csv",
        mode=ImportMode.SKIP_INVALID, enqueue=False)
ri = roster_import_run(roster_import=ri, derive=False)
print(ri.pk, ri.households_created, ri.derived_status)
"""

DERIVE = """
import django, logging, sys, time
django.setup()
from django.db import connection
log = logging.getLogger("pkh.sql")

def wrapper(execute, sql, params, many, context):
    # Every statement, also the ORM's (pkh.sql logs only its own): the same log line.
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        log.warning("%.3f s  all: %s", time.perf_counter() - started, " ".join(sql.split())[:150])

if "--all-sql" in sys.argv:
    connection.execute_wrappers.append(wrapper)
from imports.models import RosterImport
from imports.services import roster_import_derive
pk = RosterImport.objects.order_by("-pk").values_list("pk", flat=True)[0]
started = time.perf_counter()
ri = roster_import_derive(roster_import_id=pk)
print(f"{time.perf_counter() - started:.3f}", ri.derived_status)
"""


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "pkh.settings.base",
        "DJANGO_LOG_LEVEL": "WARNING",
        "IMPORTS_SQL_TIMING": "1",
    }


def _exists(connection, name: str) -> bool:
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return c.fetchone() is not None


def _remake(connection, name: str, template: str) -> None:
    connection.close()
    server("dropdb", "--if-exists", name)
    server("createdb", "-T", template, name)


def main() -> None:
    parser = argparse.ArgumentParser(description="The follow-up stage alone (PostgreSQL)")
    parser.add_argument("--template", default="bench_import_tpl200k")
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "import"))
    parser.add_argument("--show", type=float, default=0.2, help="statements over this (s)")
    parser.add_argument(
        "--all-sql", action="store_true", help="also time the ORM's statements (some twice)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    connection = django_setup()
    name = connection.settings_dict["NAME"]
    snap = f"{name}_snap_{args.families}"
    if not _exists(connection, snap):
        _remake(connection, name, args.template)
        path, rows, _expected = roster_file(out, "field", args.families, facilitator_names())
        connection.close()
        done = subprocess.run(
            [sys.executable, "-c", WRITE, str(path)],
            cwd=ROOT,
            env={**_env(), "IMPORTS_SQL_TIMING": "0"},
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"written ({rows} rows): {done.stdout.strip()}", flush=True)
        with connection.cursor() as c:
            for table in ("households_household", "households_member"):
                c.execute(f"VACUUM ANALYZE {table}")
        connection.close()
        server("createdb", "-T", name, snap)
    for number in range(1, args.rounds + 1):
        _remake(connection, name, snap)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", DERIVE, *(["--all-sql"] if args.all_sql else [])],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - started
        steps: dict[str, float] = {}
        slow = []
        for line in done.stderr.splitlines():
            match = TIMING.search(line)
            if not match:
                continue
            seconds, text = float(match.group(1)), match.group(2)
            if text.startswith("[step] "):
                label = text[7:]
                steps[label] = steps.get(label, 0.0) + seconds
            elif seconds >= args.show and text.startswith("all: ") == args.all_sql:
                slow.append((seconds, text[:110]))
        print(
            f"round {number}: {args.families} families, follow-up stage "
            f"{done.stdout.strip()} s (process {wall:.1f} s); load average "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
            flush=True,
        )
        print("  steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()), flush=True)
        for seconds, text in slow:
            print(f"  {seconds:7.3f} s  {text}", flush=True)
    connection.close()


if __name__ == "__main__":
    main()

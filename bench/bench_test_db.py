"""Test database setup on PostgreSQL: migrated from nothing vs copied from the template.

    .venv/bin/python -m bench.bench_test_db --database-url postgres://postgres@127.0.0.1:5432/bench_testdb --runs 3

Each run starts pytest on one small test file with ``--create-db`` (so the test database
is created every time), once with ``TEST_DB_TEMPLATE=0`` (Django migrates it) and once with
the template (pkh.testing.migrated_template; the template is built before the first timed
run). Prints the median wall time of each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "pkh/tests/test_sql.py"


def one_run(url: str, template: bool) -> float:
    env = {**os.environ, "DATABASE_URL": url, "TEST_DB_TEMPLATE": "1" if template else "0"}
    env.pop("CELERY_BROKER_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", PROBE, "-q", "-p", "no:cacheprovider", "--create-db"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    one_run(args.database_url, template=True)  # builds the template if needed
    migrated = [one_run(args.database_url, template=False) for _ in range(args.runs)]
    copied = [one_run(args.database_url, template=True) for _ in range(args.runs)]
    m, c = statistics.median(migrated), statistics.median(copied)
    print(f"pytest {PROBE} --create-db, median of {args.runs}:")
    print(f"  migrated from nothing : {m:6.2f} s")
    print(f"  copied from template  : {c:6.2f} s")
    print(f"  ratio                 : {c / m:6.2f}")


if __name__ == "__main__":
    main()

"""Helpers every benchmark script reuses: Django setup, timing a view, counting queries.

Usage from a script::

    from bench.common import setup_django
    setup_django()                      # before importing models
    from bench.common import client_for, time_view
    client = client_for(user)
    result = time_view(client, "/keluarga/", n=200)
    print(result.line("caseload"))
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(settings: str = "pkh.settings.base") -> None:
    """Configure Django for a benchmark: production-like (DEBUG off), real database.

    DEBUG stays off (it would keep every query in memory and slow every request), and
    the test environment is *not* set up (it instruments template rendering).
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("DJANGO_DEBUG", "False")
    import django

    django.setup()


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def client_for(user):
    """A Django test client logged in as ``user`` (no password needed)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timing:
    """Server time of ``n`` requests in milliseconds, and the queries of one request."""

    label: str
    n: int
    times_ms: list[float] = field(repr=False)
    queries: int
    status: int
    sql: list[str] = field(default_factory=list, repr=False)
    cpu_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def max(self) -> float:
        return max(self.times_ms)

    @property
    def cpu_median(self) -> float:
        """Median CPU time of the Django process alone (not the database's): less
        sensitive than wall time to other processes competing for the cores."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")

    def line(self) -> str:
        return (
            f"{self.label:<48} n={self.n:<4} median {self.median:7.1f} ms  "
            f"p95 {self.p95:7.1f} ms  max {self.max:7.1f} ms  cpu {self.cpu_median:6.1f} ms  "
            f"queries {self.queries}"
        )

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "n": self.n,
            "median_ms": round(self.median, 2),
            "p95_ms": round(self.p95, 2),
            "max_ms": round(self.max, 2),
            "cpu_median_ms": round(self.cpu_median, 2),
            "queries": self.queries,
            "status": self.status,
        }


def count_queries(client, method: str, url: str, data: dict | None = None):
    """Run one request and return ``(response, [sql, ...])`` with every query it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method.lower())(url, data or {})
    return response, [q["sql"] for q in ctx.captured_queries]


def time_view(
    client,
    url: str,
    *,
    n: int = 200,
    method: str = "get",
    data: dict | None = None,
    warmup: int = 5,
    label: str | None = None,
    expect_status: int = 200,
) -> Timing:
    """Request ``url`` ``n`` times through the full Django stack (middleware, session,
    auth, view, template) and return the server time per request and the query count.

    The time is wall-clock around the test client's call, which runs the whole request
    in process: no network or browser time, only what the server spends.
    """
    call = getattr(client, method.lower())
    for _ in range(warmup):
        call(url, data or {})
    response, sql = count_queries(client, method, url, data)
    if response.status_code != expect_status:
        raise AssertionError(f"{url}: status {response.status_code}, expected {expect_status}")
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = call(url, data or {})
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != expect_status:
            raise AssertionError(f"{url}: status {response.status_code}")
    return Timing(
        label=label or url,
        n=n,
        times_ms=times,
        queries=len(sql),
        status=response.status_code,
        sql=sql,
        cpu_ms=cpu,
    )


def explain(sql_with_params: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured SQL string (as Django logged it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql_with_params}")
        return "\n".join(row[0] for row in cursor.fetchall())

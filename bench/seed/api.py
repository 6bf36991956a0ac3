"""The seeder's entry point: ``seed()``, idempotent, and the regions it needs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bench.seed.data import _seed
from bench.seed.safety import SeedRefused, _check_database, _has_rows, _marker, _reset
from bench.seed.vocabulary import DEFAULT_REGION, MARKER_TABLE


def seed(
    *,
    families: int = 200_000,
    facilitators: int = 800,
    team_size: int = 10,
    visits_months: int = 6,
    visit_rate: float = 0.6,
    region: str = DEFAULT_REGION,
    history: bool = True,
    random_seed: int = 2025,
    reset: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Seed the database (idempotent) and return ids for the benchmarks.

    ``families`` spread over ``facilitators`` in teams of ``team_size`` (one supervisor
    per team). The first facilitator has exactly 400 families (if there are enough),
    the last one 10 (a small caseload for query-count comparisons), the others share
    the rest. ``visit_rate`` is the chance that a family is visited in a given month,
    over the last ``visits_months`` months. ``region`` is the admin's area (a
    province or regency code) whose villages the families live in.

    Returns a dict with ``admin``, ``supervisor`` (team of the 400-family facilitator),
    ``facilitator`` (400 families), ``small_facilitator`` (10 families),
    ``facilitators``, ``supervisors``, ``families``, ``members``, ``visits`` and
    ``password`` (every seeded user's).
    """
    from django.db import connection, transaction

    say = log or (lambda message: None)
    params = {
        "families": families,
        "facilitators": facilitators,
        "team_size": team_size,
        "visits_months": visits_months,
        "visit_rate": visit_rate,
        "region": region,
        "history": history,
        "random_seed": random_seed,
    }
    if families < 1 or facilitators < 1 or team_size < 1 or visits_months < 0:
        raise ValueError("families, facilitators and team_size must be positive")
    _check_database()
    marker = _marker()
    if marker and marker["params"] == params and not reset:
        say("already seeded with these parameters: nothing to do")
        return marker["result"]
    if marker is None and (_has_rows("accounts_user") or _has_rows("households_household")):
        raise SeedRefused(
            "the database already holds users or families that bench.seed did not create; "
            "use an empty database"
        )
    if marker and not reset:
        raise SeedRefused(
            f"the database was seeded with other parameters ({marker['params']}); "
            "pass reset=True (--reset) to empty and reseed it"
        )

    started = time.monotonic()
    _ensure_regions(say)
    if marker:
        say("reset: emptying the seeded tables")
        _reset()
    with transaction.atomic():
        result = _seed(params, say)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(params jsonb NOT NULL, result jsonb NOT NULL, seeded_at timestamptz NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, now())",
                [json.dumps(params), json.dumps(result)],
            )
    say("VACUUM ANALYZE")  # statistics, and visibility maps for index-only scans
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"seeded in {time.monotonic() - started:.0f} s: {result}")
    return result


def _ensure_regions(say) -> None:
    import csv

    from regions.management.commands.load_regions import BUNDLED
    from regions.models import Region
    from regions.services import regions_load

    if Region.objects.filter(level=4).count() >= 80_000:
        return
    say("loading the Kemendagri regions")
    with open(BUNDLED, encoding="utf-8-sig", newline="") as handle:
        regions_load(rows=csv.DictReader(handle))

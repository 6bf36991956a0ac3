"""The command line: ``python -m bench.seed``."""

from __future__ import annotations

import argparse
import json
import sys

import bench.seed
from bench.seed.api import seed
from bench.seed.safety import SeedRefused, _check_database
from bench.seed.vocabulary import DEFAULT_REGION


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=bench.seed.__doc__.split("\n")[0]
    )
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--facilitators", type=int, default=800)
    parser.add_argument("--team-size", type=int, default=10)
    parser.add_argument("--visits-months", type=int, default=6)
    parser.add_argument("--visit-rate", type=float, default=0.6)
    parser.add_argument("--region", default=DEFAULT_REGION, help="province or regency code")
    parser.add_argument("--no-history", action="store_true", help="skip the audit-trail rows")
    parser.add_argument("--random-seed", type=int, default=2025)
    parser.add_argument("--reset", action="store_true", help="empty and reseed a seeded database")
    args = parser.parse_args(argv)

    from bench.common import database_name, setup_django

    setup_django()
    from django.core.management import call_command

    print(f"database: {database_name()}", flush=True)
    try:
        _check_database()
        call_command("migrate", verbosity=0)
        info = seed(
            families=args.families,
            facilitators=args.facilitators,
            team_size=args.team_size,
            visits_months=args.visits_months,
            visit_rate=args.visit_rate,
            region=args.region,
            history=not args.no_history,
            random_seed=args.random_seed,
            reset=args.reset,
            log=lambda message: print(message, flush=True),
        )
    except SeedRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=2))
    return 0

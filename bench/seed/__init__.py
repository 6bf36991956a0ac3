"""Seed a PostgreSQL database with a national-scale registry, fast (COPY), idempotently.

    python -m bench.seed --families 200000            # DATABASE_URL must point at PostgreSQL

or from Python (after ``bench.common.setup_django()``)::

    from bench.seed import seed
    info = seed(families=200_000, facilitators=800, visits_months=6)
    info["facilitator"]        # id of a facilitator with exactly 400 families
    info["supervisor"]         # id of that facilitator's supervisor (a team of 10)
    info["admin"]              # id of the admin of the whole seeded region

What it creates (see bench/README.md): the Kemendagri regions, one admin for a
province (or regency), supervisors, facilitators in teams, FDS groups, families with
members (names, NIKs that agree with birth date and sex, components, exactly one
pengurus), visits over the last months, and the "created" rows of the audit trail.

Safety: it refuses a SQLite database, a database whose name starts with ``test_``
(the suite's), and a database that already holds users or families it did not seed.
Rerunning with the same parameters does nothing and returns the stored ids; other
parameters need ``reset=True`` (``--reset``), which empties what it seeded first.

The package: ``vocabulary`` (constants and names), ``safety`` (refusals, marker, reset),
``api`` (``seed()``), ``data`` (users, teams, groups, audit trail), ``families``
(families, members, visits), ``pgcopy`` (COPY helpers), ``cli`` (the command line).
"""

from bench.seed.api import seed
from bench.seed.cli import main
from bench.seed.safety import SeedRefused, _marker
from bench.seed.vocabulary import (
    BIG_CASELOAD,
    DEFAULT_REGION,
    FAMILIES_PER_FDS_GROUP,
    FEMALE_FIRST,
    LAST_NAMES,
    MALE_FIRST,
    MARKER_TABLE,
    PASSWORD,
    SMALL_CASELOAD,
)

__all__ = [
    "BIG_CASELOAD",
    "DEFAULT_REGION",
    "FAMILIES_PER_FDS_GROUP",
    "FEMALE_FIRST",
    "LAST_NAMES",
    "MALE_FIRST",
    "MARKER_TABLE",
    "PASSWORD",
    "SMALL_CASELOAD",
    "SeedRefused",
    "_marker",
    "main",
    "seed",
]

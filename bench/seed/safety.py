"""Safety and bookkeeping: which databases the seeder refuses, its marker table, reset."""

from __future__ import annotations

import json

from bench.seed.vocabulary import MARKER_TABLE


class SeedRefused(RuntimeError):
    """The database is not one this seeder may write to."""


def _check_database() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SeedRefused("bench.seed needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"] or ""
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    if name.startswith("test_") or name == test_name:
        raise SeedRefused(f"refusing to seed {name!r}: it looks like a test database")


def _marker() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT params, result FROM {MARKER_TABLE} ORDER BY seeded_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    # Django's PostgreSQL backend hands jsonb back as text.
    params, result = (json.loads(v) if isinstance(v, str) else v for v in row)
    return {"params": params, "result": result}


def _has_rows(table: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        return cursor.fetchone()[0]


def _reset() -> None:
    """Empty what the seeder wrote (and anything built on it): only on a seeded database."""
    from django.db import connection

    from accounts.models import User
    from fds_sessions.models import FdsGroup
    from households.models import Household, HouseholdTransfer, Member, Visit

    tables = [
        User._meta.db_table,
        Household._meta.db_table,
        Member._meta.db_table,
        Visit._meta.db_table,
        HouseholdTransfer._meta.db_table,
        FdsGroup._meta.db_table,
        Household.history.model._meta.db_table,
        Member.history.model._meta.db_table,
        Visit.history.model._meta.db_table,
        "django_session",
        MARKER_TABLE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")

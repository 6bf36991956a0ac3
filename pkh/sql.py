"""Set-based SQL helpers shared by the bulk writers (roster import, aid eligibility).

The same SQL runs on PostgreSQL and SQLite (3.33+ for ``UPDATE ... FROM``), except for
a few spellings chosen by ``Dialect``. With ``IMPORTS_SQL_TIMING=1`` in the environment
every statement run through ``run`` / ``fetch`` and every ``timed`` step logs its time
(benchmarks; the statement text is cut short and never carries parameters).

``insert_select`` / ``insert_history`` are the one builder of "INSERT every column of a
model ... SELECT" statements: new rows with the model's defaults, and the audit rows
django-simple-history would write for them, without a model instance in Python.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import Model

logger = logging.getLogger(__name__)
SQL_TIMING = os.environ.get("IMPORTS_SQL_TIMING") == "1"


class Dialect:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def agg(self, expr: str, order: str) -> str:
        """Comma-separated list of ``expr`` values (ordered on PostgreSQL)."""
        if self.postgres:
            return f"string_agg(CAST({expr} AS TEXT), ', ' ORDER BY {order})"
        return f"group_concat({expr}, ', ')"

    @property
    def distinct(self) -> str:
        return "IS DISTINCT FROM" if self.postgres else "IS NOT"

    @property
    def not_distinct(self) -> str:
        return "IS NOT DISTINCT FROM" if self.postgres else "IS"


def run(sql: str, params=()) -> int:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        n = cursor.rowcount
    _timing(sql, started)
    return n


def fetch(sql: str, params=()) -> list:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    _timing(sql, started)
    return rows


def _timing(sql: str, started: float) -> None:
    if SQL_TIMING:
        logger.warning("%.3f s  %s", time.perf_counter() - started, " ".join(sql.split())[:150])


@contextlib.contextmanager
def timed(label: str):
    """With IMPORTS_SQL_TIMING=1, the time of a whole step (Python included) goes to the log."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if SQL_TIMING:
            logger.warning("%.3f s  [step] %s", time.perf_counter() - started, label)


def run_steps(steps: Iterable[Callable[[Any], object]], context: Any, *, group: str) -> None:
    """Run named steps in order, each called with ``context``. With IMPORTS_SQL_TIMING=1
    each step's time goes to the log as ``[step] <group>.<function name>``: the list a
    module declares is the list the timing prints."""
    for step in steps:
        with timed(f"{group}.{step.__name__}"):
            step(context)


def log_elapsed(label: str, started: float) -> None:
    """With IMPORTS_SQL_TIMING=1, log a step measured from ``started`` (perf_counter)."""
    if SQL_TIMING:
        logger.warning("%.3f s  [step] %s", time.perf_counter() - started, label)


def analyze(*tables: str) -> None:
    """Fresh planner statistics for freshly loaded tables (PostgreSQL; temporary tables
    are never analysed by autovacuum)."""
    if connection.vendor == "postgresql":
        for table in tables:
            run(f"ANALYZE {table}")


# ---------------------------------------------------------------- temporary tables


def temp_table(name: str, columns: str) -> str:
    """An empty temporary table of this session (created if needed, else emptied).

    Inside a transaction that rolls back, PostgreSQL drops a table it created there;
    ``IF NOT EXISTS`` covers both cases. Returns ``name``.
    """
    run(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
    # TRUNCATE on PostgreSQL: autovacuum never visits temporary tables, so rows deleted
    # in a long-lived session (a Celery worker) would otherwise stay as dead tuples.
    run(f"{'TRUNCATE' if connection.vendor == 'postgresql' else 'DELETE FROM'} {name}")
    return name


def ids_fill(table: str, ids: Iterable[int], *, chunk: int = 10_000) -> int:
    """Insert integer ids into a one-column temporary table, in chunks (an array per
    statement on PostgreSQL, ``executemany`` on SQLite): no list of them all is built.
    Returns how many were given."""
    postgres = connection.vendor == "postgresql"
    n = 0
    with connection.cursor() as cursor:
        for part in chunks(ids, chunk):
            n += len(part)
            if postgres:
                cursor.execute(
                    f"INSERT INTO {table} SELECT DISTINCT unnest(%s::bigint[]) "
                    f"ON CONFLICT DO NOTHING",
                    [part],
                )
            else:
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {table} VALUES (%s)", [(pk,) for pk in part]
                )
    return n


def chunks(values: Iterable, size: int) -> Iterator[list]:
    """``values`` in consecutive lists of at most ``size`` (ids for ``IN (...)`` lists or
    one statement each), read as they come: an iterator is never listed whole."""
    part = []
    for value in values:
        part.append(value)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


# ---------------------------------------------------------------- INSERT ... SELECT


def _default_param(field, now: datetime.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = now
    else:
        value = field.get_default()
    return field.get_db_prep_save(value, connection)


def insert_select(
    model: type[Model],
    values: dict[str, tuple[str, list]],
    from_sql: str,
    from_params: list,
    now: datetime.datetime,
) -> int:
    """``INSERT INTO model (every column) SELECT <values or the field's default> FROM ...``.

    ``values`` maps a field's attname to an SQL expression and its parameters; every
    other column gets the field's default (``now`` for ``auto_now(_add)`` fields), so a
    field added to the model later needs no change here.
    """
    columns, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in values:
            sql, sql_params = values[field.attname]
            exprs.append(sql)
            params += sql_params
        else:
            exprs.append("%s")
            params.append(_default_param(field, now))
    table = model._meta.db_table
    return run(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}",
        [*params, *from_params],
    )


def insert_history(
    model: type[Model],
    *,
    source_alias: str,
    from_sql: str,
    from_params: list,
    history_type_sql: str,
    when: datetime.datetime,
    reason: str | None,
    user_id: int | None,
) -> int:
    """One audit row per selected record, as django-simple-history would write it:
    the tracked columns copied from ``source_alias`` (a row of the model's table),
    ``history_date`` = ``when``, the user and change reason given, ``history_type``
    from ``history_type_sql`` (e.g. ``'+'``, or a CASE)."""
    history = model.history.model
    columns, exprs, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name == "history_date":
            exprs.append("%s")
            params.append(field.get_db_prep_save(when, connection))
        elif field.name == "history_change_reason":
            exprs.append("%s")
            params.append(reason)
        elif field.name == "history_type":
            exprs.append(history_type_sql)
        elif field.name == "history_user":
            exprs.append("%s")
            params.append(user_id)
        elif field.name.startswith("history_"):
            exprs.append("%s")
            params.append(_default_param(field, when))
        else:
            exprs.append(f"{source_alias}.{connection.ops.quote_name(field.column)}")
    return run(
        f"INSERT INTO {history._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {from_sql}",
        [*params, *from_params],
    )


def materialise(name: str, select_sql: str, params=(), *, indexes: Iterable[str] = ()) -> int:
    """``select_sql`` computed once into the temporary table ``name`` (dropped first if a
    previous step of this session left it), with its own planner statistics (PostgreSQL)
    and, if given, indexes on ``indexes`` (column lists). Returns its row count.

    For a set a later join depends on: the join then reads a table of known size instead
    of a grouped subquery whose size the planner can only guess (and might re-run for
    every outer row of a nested loop).
    """
    run(f"DROP TABLE IF EXISTS {name}")
    run(f"CREATE TEMP TABLE {name} AS {select_sql}", params)
    for number, columns in enumerate(indexes):
        run(f"CREATE INDEX {name}_{number} ON {name} ({columns})")
    n = fetch(f"SELECT COUNT(*) FROM {name}")[0][0]
    analyze(name)
    return n


def drop_temp(*names: str) -> None:
    for name in names:
        run(f"DROP TABLE IF EXISTS {name}")

"""The PostgreSQL session settings of an import's checks and write."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connection

from pkh.sql import run


@contextmanager
def tuned_session():
    """PostgreSQL: no JIT (compiling the big statements costs more than running them)
    and room for the hash joins and aggregates over a whole roster, for the duration
    of the block (or of the function it decorates). Reset on the way out: a worker keeps
    its connection between tasks (pkh/celery.py), and the next task, a report say, must
    not inherit an import's settings. A connection that cannot be reset is closed."""
    tuned = connection.vendor == "postgresql"
    if tuned:
        run("SET jit = off")
        run("SET work_mem = '64MB'")
    try:
        yield
    finally:
        if tuned:
            try:
                run("RESET jit")
                run("RESET work_mem")
            except DatabaseError:
                connection.close()

"""Bulk-writing helpers: COPY in text format, next ids and sequence resets."""

from __future__ import annotations

import io


def _copy(table: str, columns: tuple[str, ...], buffer: io.StringIO) -> None:
    from django.db import connection

    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequence(table: str, column: str = "id") -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"(SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)",
            [table, column],
        )


def _n(value) -> str:
    """A value in COPY text format."""
    return "\\N" if value is None else str(value)

"""Staging tables hold transient copies of uploaded rosters: on PostgreSQL they are
UNLOGGED (no write-ahead log; emptied after a crash, and the import then reads its
file again)."""

from django.db import migrations

TABLES = (
    "imports_stagingrow",
    "imports_stagingfamily",
    "imports_staginghousehold",
    "imports_stagingmember",
)


def set_logging(apps, schema_editor, *, logged: bool):
    if schema_editor.connection.vendor != "postgresql":
        return
    mode = "LOGGED" if logged else "UNLOGGED"
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET {mode}")


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, se: set_logging(apps, se, logged=False),
            lambda apps, se: set_logging(apps, se, logged=True),
        )
    ]

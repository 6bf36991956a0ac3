"""Caseload at national scale: a denormalised pengurus name kept by triggers, sort indexes.

``Household.pengurus_name_cache`` holds the name of the family's pengurus (NULL without
one). Database triggers on ``households_member`` keep it right whoever writes members
(services, imports, bulk SQL, COPY): on PostgreSQL statement-level triggers with
transition tables (one set-based UPDATE per statement), on SQLite row-level triggers.
The caseload sorts on it through an index instead of a subquery per family, which is
what made an admin's caseload over 200,000 families take seconds (bench/RESULTS.md).
"""

from django.conf import settings
from django.db import migrations, models

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION households_refresh_pengurus_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE households_household h
           SET pengurus_name_cache = c.name
          FROM changed_new c
         WHERE c.is_pengurus AND h.id = c.household_id
           AND h.pengurus_name_cache IS DISTINCT FROM c.name;
    ELSE
        WITH affected AS (
            SELECT household_id FROM changed_old
            UNION
            SELECT household_id FROM changed_new
        )
        UPDATE households_household h
           SET pengurus_name_cache = (
               SELECT m.name FROM households_member m
                WHERE m.household_id = h.id AND m.is_pengurus
                ORDER BY m.id LIMIT 1)
          FROM affected a
         WHERE h.id = a.household_id
           AND h.pengurus_name_cache IS DISTINCT FROM (
               SELECT m.name FROM households_member m
                WHERE m.household_id = h.id AND m.is_pengurus
                ORDER BY m.id LIMIT 1);
    END IF;
    RETURN NULL;
END $$;
"""
PG_TRIGGERS = [
    "CREATE TRIGGER member_pengurus_ins AFTER INSERT ON households_member "
    "REFERENCING NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_refresh_pengurus_name()",
    "CREATE TRIGGER member_pengurus_upd AFTER UPDATE ON households_member "
    "REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_refresh_pengurus_name()",
]
PG_DELETE_FUNCTION = """
CREATE OR REPLACE FUNCTION households_refresh_pengurus_name_del() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE households_household h
       SET pengurus_name_cache = (
           SELECT m.name FROM households_member m
            WHERE m.household_id = h.id AND m.is_pengurus
            ORDER BY m.id LIMIT 1)
      FROM (SELECT DISTINCT household_id FROM changed_old) a
     WHERE h.id = a.household_id;
    RETURN NULL;
END $$;
"""
PG_DELETE_TRIGGER = (
    "CREATE TRIGGER member_pengurus_del AFTER DELETE ON households_member "
    "REFERENCING OLD TABLE AS changed_old "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_refresh_pengurus_name_del()"
)
PG_DROP = [
    "DROP TRIGGER IF EXISTS member_pengurus_ins ON households_member",
    "DROP TRIGGER IF EXISTS member_pengurus_upd ON households_member",
    "DROP TRIGGER IF EXISTS member_pengurus_del ON households_member",
    "DROP FUNCTION IF EXISTS households_refresh_pengurus_name()",
    "DROP FUNCTION IF EXISTS households_refresh_pengurus_name_del()",
    "DROP INDEX IF EXISTS member_name_trgm",
    "DROP INDEX IF EXISTS hh_last_visit_nulls_first",
    "DROP INDEX IF EXISTS hh_fac_last_visit_nulls_first",
]

SQLITE_REFRESH = (
    "UPDATE households_household SET pengurus_name_cache = ("
    "SELECT m.name FROM households_member m WHERE m.household_id = {ref}.household_id "
    "AND m.is_pengurus ORDER BY m.id LIMIT 1) WHERE id = {ref}.household_id;"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER member_pengurus_ins AFTER INSERT ON households_member "
    f"BEGIN {SQLITE_REFRESH.format(ref='NEW')} END",
    "CREATE TRIGGER member_pengurus_upd AFTER UPDATE ON households_member "
    f"BEGIN {SQLITE_REFRESH.format(ref='OLD')} {SQLITE_REFRESH.format(ref='NEW')} END",
    "CREATE TRIGGER member_pengurus_del AFTER DELETE ON households_member "
    f"BEGIN {SQLITE_REFRESH.format(ref='OLD')} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS member_pengurus_ins",
    "DROP TRIGGER IF EXISTS member_pengurus_upd",
    "DROP TRIGGER IF EXISTS member_pengurus_del",
]
BACKFILL = (
    "UPDATE households_household SET pengurus_name_cache = ("
    "SELECT m.name FROM households_member m WHERE m.household_id = households_household.id "
    "AND m.is_pengurus ORDER BY m.id LIMIT 1)"
)


# The caseload's name search (``name_normalized LIKE '%...%'``) over a whole region.
PG_TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trgm ON households_member "
    "USING gin (name_normalized gin_trgm_ops)",
    # "Oldest visit first" (never visited first) over a region; SQLite has no NULLS FIRST
    # in an index.
    "CREATE INDEX IF NOT EXISTS hh_last_visit_nulls_first ON households_household "
    "(last_visit_on ASC NULLS FIRST, id)",
    # ... and for one facilitator: without it PostgreSQL walks the index above through
    # the whole registry to find a small caseload's 25 rows.
    "CREATE INDEX IF NOT EXISTS hh_fac_last_visit_nulls_first ON households_household "
    "(facilitator_id, last_visit_on ASC NULLS FIRST, id)",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_TRIGRAM:
            schema_editor.execute(sql)
        for sql in [PG_FUNCTION, *PG_TRIGGERS, PG_DELETE_FUNCTION, PG_DELETE_TRIGGER]:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise RuntimeError(f"no pengurus-name triggers for {vendor}")
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in PG_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("fds_sessions", "0001_initial"),
        ("households", "0002_components_and_benefits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="pengurus_name_cache",
            field=models.CharField(blank=True, editable=False, max_length=120, null=True),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(
                fields=["facilitator", "pengurus_name_cache", "id"], name="hh_fac_pengurus"
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["pengurus_name_cache", "id"], name="hh_pengurus"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

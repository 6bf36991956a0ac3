"""Component masks: an insert of member components ORs their flags into the families'
masks instead of recomputing each mask from all its members (PostgreSQL).

Adding a component can only add its flag to the mask of an active member's family, so
``mask | flags`` is the same result as the recount of 0004 whenever the mask was right
before. It saves the recount of every family a bulk write touches: 2.1 s of 6.0 s for
the roster import's 203,522 new components (``EXPLAIN ANALYZE``, benchmark database of
bench/bench_import.py). Deletes and updates still recount. SQLite's row-level triggers
are unchanged. The roster import writes new families' masks before their components
(``imports/apply.py``, from the same staging rows), so the OR finds nothing to add.

Since an insert no longer repairs a mask that was wrong before it, the migration
recounts every mask once (0004's backfill).
"""

from importlib import import_module

from django.db import migrations

_0004 = import_module("households.migrations.0004_component_mask")

MC_FUNCTION = """
CREATE OR REPLACE FUNCTION households_component_mask_mc() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE households_household h
           SET component_mask = h.component_mask | s.flags
          FROM (SELECT m.household_id AS hid, bit_or(c.flag) AS flags
                  FROM changed_new n
                  JOIN households_member m ON m.id = n.member_id
                  JOIN households_component c ON c.code = n.component_id
                 WHERE m.left_on IS NULL
                 GROUP BY m.household_id) s
         WHERE h.id = s.hid AND (h.component_mask | s.flags) <> h.component_mask;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM households_refresh_component_mask(ARRAY(
            SELECT DISTINCT m.household_id FROM changed_old o
              JOIN households_member m ON m.id = o.member_id));
    ELSE
        PERFORM households_refresh_component_mask(ARRAY(
            SELECT m.household_id FROM changed_old o
              JOIN households_member m ON m.id = o.member_id
            UNION
            SELECT m.household_id FROM changed_new n
              JOIN households_member m ON m.id = n.member_id));
    END IF;
    RETURN NULL;
END $$;
"""
# 0004's definition of the same function, for the reverse migration.
(PREVIOUS,) = [sql for sql in _0004.PG_FUNCTIONS if "households_component_mask_mc()" in sql]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MC_FUNCTION)
        schema_editor.execute(_0004.BACKFILL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("households", "0006_audit_user_without_constraint")]

    operations = [migrations.RunPython(forward, backward)]

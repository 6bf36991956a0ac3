"""The caseload's component filter without a semi-join: ``Household.component_mask``.

Each component gets a bit (``Component.flag``); a family's mask is the OR of the flags of
its active members' components. Database triggers keep it right whoever writes members
or their components (services, imports, bulk SQL, COPY), like the pengurus name of
migration 0003: on PostgreSQL statement-level triggers with transition tables (one
set-based UPDATE per statement), on SQLite row-level triggers. ``SUM(DISTINCT flag)`` is
the OR of distinct powers of two on both databases.
"""

from importlib import import_module

from django.db import migrations, models

# SQLite rebuilds a table to add a column, and refuses to rename the rebuilt table while
# a trigger names it: 0003's pengurus-name triggers are dropped around the AddField (a
# later migration that alters households_household on SQLite must do the same).
_pengurus = import_module("households.migrations.0003_caseload_sort_indexes")

MASK_OF = (
    "COALESCE((SELECT SUM(DISTINCT c.flag) FROM households_member m "
    "JOIN households_member_components mc ON mc.member_id = m.id "
    "JOIN households_component c ON c.code = mc.component_id "
    "WHERE m.household_id = {hid} AND m.left_on IS NULL), 0)"
)

PG_FUNCTIONS = [
    # Recompute the masks of the given families; rows whose mask is right are not written.
    # (Constant SQL built from constants: no user input.)
    f"""
CREATE OR REPLACE FUNCTION households_refresh_component_mask(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE households_household h
       SET component_mask = s.mask
      FROM (SELECT a.hid, {MASK_OF.format(hid="a.hid")} AS mask
              FROM (SELECT DISTINCT unnest(ids) AS hid) a) s
     WHERE h.id = s.hid AND h.component_mask IS DISTINCT FROM s.mask;
$$;
""",  # noqa: S608
    """
CREATE OR REPLACE FUNCTION households_component_mask_mc() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM households_refresh_component_mask(ARRAY(
            SELECT DISTINCT m.household_id FROM changed_new n
              JOIN households_member m ON m.id = n.member_id));
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
""",
    """
CREATE OR REPLACE FUNCTION households_component_mask_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Only rows whose activity or family changed can change a mask.
        PERFORM households_refresh_component_mask(ARRAY(
            SELECT o.household_id FROM changed_old o JOIN changed_new n ON n.id = o.id
             WHERE o.household_id IS DISTINCT FROM n.household_id
                OR (o.left_on IS NULL) IS DISTINCT FROM (n.left_on IS NULL)
            UNION
            SELECT n.household_id FROM changed_old o JOIN changed_new n ON n.id = o.id
             WHERE o.household_id IS DISTINCT FROM n.household_id
                OR (o.left_on IS NULL) IS DISTINCT FROM (n.left_on IS NULL)));
    ELSE
        PERFORM households_refresh_component_mask(ARRAY(
            SELECT DISTINCT household_id FROM changed_old));
    END IF;
    RETURN NULL;
END $$;
""",
]
PG_TRIGGERS = [
    "CREATE TRIGGER mc_mask_ins AFTER INSERT ON households_member_components "
    "REFERENCING NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_component_mask_mc()",
    "CREATE TRIGGER mc_mask_del AFTER DELETE ON households_member_components "
    "REFERENCING OLD TABLE AS changed_old "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_component_mask_mc()",
    "CREATE TRIGGER mc_mask_upd AFTER UPDATE ON households_member_components "
    "REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_component_mask_mc()",
    "CREATE TRIGGER member_mask_upd AFTER UPDATE ON households_member "
    "REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_component_mask_member()",
    "CREATE TRIGGER member_mask_del AFTER DELETE ON households_member "
    "REFERENCING OLD TABLE AS changed_old "
    "FOR EACH STATEMENT EXECUTE FUNCTION households_component_mask_member()",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS mc_mask_ins ON households_member_components",
    "DROP TRIGGER IF EXISTS mc_mask_del ON households_member_components",
    "DROP TRIGGER IF EXISTS mc_mask_upd ON households_member_components",
    "DROP TRIGGER IF EXISTS member_mask_upd ON households_member",
    "DROP TRIGGER IF EXISTS member_mask_del ON households_member",
    "DROP FUNCTION IF EXISTS households_component_mask_mc()",
    "DROP FUNCTION IF EXISTS households_component_mask_member()",
    "DROP FUNCTION IF EXISTS households_refresh_component_mask(bigint[])",
]

SQLITE_REFRESH = "UPDATE households_household SET component_mask = {mask} WHERE id = {hid};"


def _sqlite_refresh(hid: str) -> str:
    return SQLITE_REFRESH.format(mask=MASK_OF.format(hid=hid), hid=hid)


_MC_HID = "(SELECT household_id FROM households_member WHERE id = {ref}.member_id)"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER mc_mask_ins AFTER INSERT ON households_member_components "
    f"BEGIN {_sqlite_refresh(_MC_HID.format(ref='NEW'))} END",
    "CREATE TRIGGER mc_mask_del AFTER DELETE ON households_member_components "
    f"BEGIN {_sqlite_refresh(_MC_HID.format(ref='OLD'))} END",
    "CREATE TRIGGER mc_mask_upd AFTER UPDATE ON households_member_components "
    f"BEGIN {_sqlite_refresh(_MC_HID.format(ref='OLD'))} "
    f"{_sqlite_refresh(_MC_HID.format(ref='NEW'))} END",
    "CREATE TRIGGER member_mask_upd AFTER UPDATE OF household_id, left_on ON households_member "
    f"BEGIN {_sqlite_refresh('OLD.household_id')} {_sqlite_refresh('NEW.household_id')} END",
    "CREATE TRIGGER member_mask_del AFTER DELETE ON households_member "
    f"BEGIN {_sqlite_refresh('OLD.household_id')} END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS mc_mask_ins",
    "DROP TRIGGER IF EXISTS mc_mask_del",
    "DROP TRIGGER IF EXISTS mc_mask_upd",
    "DROP TRIGGER IF EXISTS member_mask_upd",
    "DROP TRIGGER IF EXISTS member_mask_del",
]
BACKFILL = "UPDATE households_household SET component_mask = " + MASK_OF.format(  # noqa: S608
    hid="households_household.id"
)


def number_components(apps, schema_editor):
    Component = apps.get_model("households", "Component")
    for bit, component in enumerate(Component.objects.order_by("order", "code")):
        component.flag = 1 << bit
        component.save(update_fields=["flag"])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in [*PG_FUNCTIONS, *PG_TRIGGERS]:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise RuntimeError(f"no component-mask triggers for {vendor}")
    schema_editor.execute(BACKFILL)


def sqlite_drop_pengurus_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in [*_pengurus.SQLITE_DROP, *SQLITE_DROP]:
            schema_editor.execute(sql)


def sqlite_create_pengurus_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _pengurus.SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in PG_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("households", "0003_caseload_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="component",
            name="flag",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(number_components, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="component",
            name="flag",
            field=models.PositiveIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(sqlite_drop_pengurus_triggers, sqlite_create_pengurus_triggers),
        migrations.AddField(
            model_name="household",
            name="component_mask",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(sqlite_create_pengurus_triggers, sqlite_drop_pengurus_triggers),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

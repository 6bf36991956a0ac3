"""Drop indexes that no read uses, so that bulk writes (the roster import) maintain fewer.

Each was either a duplicate or covered by another index:

* ``households_household.village_id`` (and its ``_like``): equality is served by
  ``(village, status)``, region prefixes by ``household_village_prefix`` (0002, the same
  definition as the ``_like`` index). ``facilitator_id``: every ``(facilitator, ...)``
  index starts with it. The model says ``db_index=False`` for both.
* ``_like`` (varchar_pattern_ops) indexes that Django adds to indexed text columns, on
  columns only ever compared with ``=`` (NIK, ID_KELUARGA, No. KK, component codes).
* ``households_member_components.member_id``: the unique (member, component) index
  starts with it.
* In the audit trail: the copies of those indexes and of the unique NIK/ID_KELUARGA/No.
  KK indexes (history is read per family, ``id``/``household_id``, and per entry).

PostgreSQL only for the raw ones (SQLite has no ``_like`` indexes; its through-table and
history indexes are small there).
"""

from django.conf import settings
from django.db import migrations, models

# (index, its definition: for the reverse migration)
DROPPED = [
    # The two foreign keys' own indexes (the model says db_index=False).
    ("households_household_village_id_c6dbbc5a", "households_household (village_id)"),
    (
        "households_household_village_id_c6dbbc5a_like",
        "households_household (village_id varchar_pattern_ops)",
    ),
    ("households_household_facilitator_id_e8f6ddfa", "households_household (facilitator_id)"),
    (
        "households_household_id_keluarga_14bf1f31_like",
        "households_household (id_keluarga varchar_pattern_ops)",
    ),
    (
        "households_household_no_kk_f2b5ae49_like",
        "households_household (no_kk varchar_pattern_ops)",
    ),
    ("households_member_nik_f9c902df_like", "households_member (nik varchar_pattern_ops)"),
    ("households_member_components_member_id_21d919c5", "households_member_components (member_id)"),
    (
        "households_member_components_component_id_0b538e9f_like",
        "households_member_components (component_id varchar_pattern_ops)",
    ),
    ("households_historicalmember_nik_0904d5ff", "households_historicalmember (nik)"),
    (
        "households_historicalmember_nik_0904d5ff_like",
        "households_historicalmember (nik varchar_pattern_ops)",
    ),
    (
        "households_historicalhousehold_id_keluarga_20092d16",
        "households_historicalhousehold (id_keluarga)",
    ),
    (
        "households_historicalhousehold_id_keluarga_20092d16_like",
        "households_historicalhousehold (id_keluarga varchar_pattern_ops)",
    ),
    ("households_historicalhousehold_no_kk_5f008e48", "households_historicalhousehold (no_kk)"),
    (
        "households_historicalhousehold_no_kk_5f008e48_like",
        "households_historicalhousehold (no_kk varchar_pattern_ops)",
    ),
    (
        "households_historicalmem_component_id_bd63c36d_like",
        "households_historicalmember_components (component_id varchar_pattern_ops)",
    ),
    (
        "households_historicalmember_components_component_id_bd63c36d",
        "households_historicalmember_components (component_id)",
    ),
    (
        "households_historicalmember_components_id_f3e8a4cb",
        "households_historicalmember_components (id)",
    ),
    (
        "households_historicalmember_components_member_id_20eae3ea",
        "households_historicalmember_components (member_id)",
    ),
]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _definition in DROPPED:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in DROPPED:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0004_component_mask"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The foreign keys change in the migration state only: their indexes are dropped by
    # name above on PostgreSQL. On SQLite an AlterField remakes the table, which its
    # pengurus triggers on households_member (0003) do not survive; the indexes stay
    # there (small, harmless).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"level": 4},
                        on_delete=models.deletion.PROTECT,
                        related_name="households",
                        to="households.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="facilitator",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        limit_choices_to={"role": "facilitator"},
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="households",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pendamping",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]

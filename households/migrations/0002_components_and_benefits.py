"""Seed the PKH components and the 2021-2025 benefit table (docs/domain.md); editable data.

Also adds, on PostgreSQL only, a ``varchar_pattern_ops`` index so that an admin's
region scope (``village_id LIKE '34.02.%'``) uses an index whatever the collation.
"""

from django.db import migrations

COMPONENTS = [
    # code, name, category, order, yearly benefit (IDR)
    ("IBU_HAMIL", "Ibu hamil/nifas", "kesehatan", 1, 3_000_000),
    ("ANAK_USIA_DINI", "Anak usia dini (0-6 tahun)", "kesehatan", 2, 3_000_000),
    ("SD", "Anak SD/sederajat", "pendidikan", 3, 900_000),
    ("SMP", "Anak SMP/sederajat", "pendidikan", 4, 1_500_000),
    ("SMA", "Anak SMA/sederajat", "pendidikan", 5, 2_000_000),
    ("DISABILITAS", "Penyandang disabilitas berat", "kesejahteraan", 6, 2_400_000),
    ("LANSIA", "Lanjut usia", "kesejahteraan", 7, 2_400_000),
]
YEARS = range(2021, 2026)


def seed(apps, schema_editor):
    Component = apps.get_model("households", "Component")
    BenefitRate = apps.get_model("households", "BenefitRate")
    BenefitCap = apps.get_model("households", "BenefitCap")
    for code, name, category, order, amount in COMPONENTS:
        component, _ = Component.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "order": order}
        )
        for year in YEARS:
            BenefitRate.objects.get_or_create(
                component=component, year=year, defaults={"amount": amount}
            )
    for year in YEARS:
        BenefitCap.objects.get_or_create(year=year, defaults={"max_components": 4})


def prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS household_village_prefix "
            "ON households_household (village_id varchar_pattern_ops)"
        )


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_village_prefix")


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(prefix_index, drop_prefix_index),
    ]

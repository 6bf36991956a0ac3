"""Region moved to the regions app: these foreign keys keep their columns and
constraints; only the migration state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fds_sessions", "0003_seed_curriculum"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="fdsgroup",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalfdsgroup",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regions.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

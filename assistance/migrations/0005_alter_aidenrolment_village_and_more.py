"""Region moved to the regions app: these foreign keys keep their columns and
constraints; only the migration state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0004_fewer_write_checks"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="aidenrolment",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="regions.region",
                    ),
                ),
                migrations.AlterField(
                    model_name="coveragecount",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="regions.region",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalresource",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regions.region",
                        verbose_name="wilayah",
                    ),
                ),
                migrations.AlterField(
                    model_name="resource",
                    name="area",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="wilayah",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

"""User.areas points to regions.Region (same table, same column): state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="areas",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="regions.region",
                        verbose_name="wilayah tugas",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

"""Region moves from households to the regions app: the table keeps its name
(households_region), only Django's record of which app owns it changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("households", "0007_component_mask_insert_or"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=13,
                                primary_key=True,
                                serialize=False,
                                verbose_name="kode",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="nama")),
                        (
                            "level",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "Provinsi"),
                                    (2, "Kabupaten/Kota"),
                                    (3, "Kecamatan"),
                                    (4, "Desa/Kelurahan"),
                                ],
                                verbose_name="tingkat",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="regions.region",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "households_region",
                        "ordering": ["code"],
                        "indexes": [
                            models.Index(
                                fields=["level", "name"], name="households__level_15fbd9_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

"""Region moved to the regions app (regions/migrations/0001_initial.py): the
families' village keys point there, households forgets the model, and the content
type follows (so admin permissions on regions keep their rows). No table changes."""

import django.db.models.deletion
from django.db import migrations, models


def _move_content_type(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=target, model="region").exists():
        content_type.objects.filter(app_label=source, model="region").update(app_label=target)


def content_type_to_regions(apps, schema_editor):
    _move_content_type(apps, "households", "regions")


def content_type_to_households(apps, schema_editor):
    _move_content_type(apps, "regions", "households")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_user_areas"),
        ("assistance", "0005_alter_aidenrolment_village_and_more"),
        ("fds_sessions", "0004_alter_fdsgroup_village_and_more"),
        ("households", "0007_component_mask_insert_or"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"level": 4},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regions.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="village",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"level": 4},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="regions.region",
                        verbose_name="desa/kelurahan",
                    ),
                ),
                migrations.DeleteModel(
                    name="Region",
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_regions, content_type_to_households),
    ]

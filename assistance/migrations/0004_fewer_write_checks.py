"""Fewer checks and indexes for every aid row a bulk write adds (the roster import
writes about seven per family, with an audit row each).

* The family's facilitator and village copied onto each row (``AidEnrolment.facilitator``
  / ``village``) and the audit rows' user lose their foreign-key constraints: PostgreSQL
  checked each of them row by row at commit (``DEFERRABLE INITIALLY DEFERRED``). The
  family's own foreign keys still hold the facilitator and village.
* ``office_id`` is indexed only where set (``enrolment_office``, for SET_NULL when a
  resource is deleted): most rows name no office.
* PostgreSQL only, by name (the migration state keeps them, as households 0005 does for
  the registry's): indexes no read uses. ``aid_id``'s ``_like`` (varchar_pattern_ops;
  aid codes are only compared with ``=``) on the rows and in the audit trail, and the
  audit trail's ``aid_id``, ``office_id`` and ``member_id`` (it is read per family,
  ``household_id``, and per row, ``id``).

Reversing it adds the constraints back, and PostgreSQL validates them over the existing
rows: the app deletes users and regions only through the ORM (SET_NULL), so none should
be left pointing at a missing one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (index, its definition: for the reverse migration)
DROPPED = [
    (
        "assistance_aidenrolment_aid_id_3e39a694_like",
        "assistance_aidenrolment (aid_id varchar_pattern_ops)",
    ),
    (
        "assistance_historicalaidenrolment_aid_id_469cef65",
        "assistance_historicalaidenrolment (aid_id)",
    ),
    (
        "assistance_historicalaidenrolment_aid_id_469cef65_like",
        "assistance_historicalaidenrolment (aid_id varchar_pattern_ops)",
    ),
    (
        "assistance_historicalaidenrolment_office_id_5f536f08",
        "assistance_historicalaidenrolment (office_id)",
    ),
    (
        "assistance_historicalaidenrolment_member_id_407be7b4",
        "assistance_historicalaidenrolment (member_id)",
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
        ("assistance", "0003_coverage_count"),
        ("households", "0006_audit_user_without_constraint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="aidenrolment",
            name="facilitator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="aidenrolment",
            name="office",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="assistance.resource",
                verbose_name="diusulkan ke",
            ),
        ),
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
                to="households.region",
            ),
        ),
        migrations.AlterField(
            model_name="historicalaidenrolment",
            name="history_user",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="aidenrolment",
            index=models.Index(
                condition=models.Q(("office__isnull", False)),
                fields=["office"],
                name="enrolment_office",
            ),
        ),
        migrations.RunPython(drop, create),
    ]

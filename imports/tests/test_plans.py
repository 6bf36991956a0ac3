"""The import's plans do not hang on lucky statistics (PostgreSQL): after the checks, the
planner's estimates for the joins the write and the follow-up stage are built on are
close to the real row counts, so it picks hash or merge joins for big sets instead of
nested loops over sets it believes hold one row."""

import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from imports.apply import plan_row
from imports.models import ImportStatus
from imports.services import roster_import_create, roster_import_validate
from imports.tables import T
from imports.tests.roster import csv_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("components")]

FAMILIES = 400


@pytest.fixture
def validated_import(transactional_db, builder, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (EXPLAIN)")
    data = csv_bytes(list(builder.families(FAMILIES)))
    roster_import = roster_import_create(
        by=admin_user, file=ContentFile(data, name="r.csv"), file_name="r.csv", enqueue=False
    )
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION, roster_import.error
    return roster_import


def estimate_and_count(sql: str, params) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) x", params)  # noqa: S608
        return plan[0]["Plan"]["Plan Rows"], cursor.fetchone()[0]


# The joins the write (imports.apply) and the follow-up stage (imports.services.aid)
# read the members of the plan through.
JOINS = {
    "member plans to their rows": """SELECT r.nik FROM {member_plans} sm {plan_row}
        WHERE sm.import_id = %s AND sm.action = 1""",
    "member plans to their rows with components": """SELECT r.nik
        FROM {member_plans} sm {plan_row}
        WHERE sm.import_id = %s AND sm.action IN (1, 2) AND r.components IS NOT NULL""",
    "household plans to their families": """SELECT f.id_keluarga FROM {household_plans} sh
        JOIN {families} f ON f.import_id = sh.import_id AND f.id_keluarga = sh.id_keluarga
        WHERE sh.import_id = %s AND sh.action = 1""",
    "household plans without a group": """SELECT sh.id_keluarga FROM {household_plans} sh
        WHERE sh.import_id = %s AND sh.fds_group_id IS NULL""",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", list(JOINS))
def test_the_planner_knows_how_many_rows_the_write_joins(validated_import, name):
    sql = JOINS[name].format(
        member_plans=T.member_plans,
        household_plans=T.household_plans,
        families=T.families,
        plan_row=plan_row(),
    )
    estimate, actual = estimate_and_count(sql, [validated_import.pk])
    assert actual >= FAMILIES  # every family is new: one row at least each
    # Within a factor of 3 either way; a join on two keys treated as independent
    # (the NIK and the line) estimates 1 row here.
    assert actual / 3 <= estimate <= actual * 3, (name, estimate, actual)

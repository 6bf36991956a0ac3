"""The meaning of an import (docs/roster_format.md): family-level rules, the admin's region,
facilitators and their groups."""

import pytest

from fds_sessions.models import FdsGroup
from households.models import Household, HouseholdTransfer, Member
from households.tests.factories import household_with_members
from imports.models import ImportMode, IssueKind
from imports.tests.helpers import issues
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "column"),
    [("NO KK", "NO_KK"), ("KODE DESA", "KODE_WILAYAH"), ("SEMBAKO", "SEMBAKO"), ("KKS", "KKS")],
)
def test_rows_of_one_family_disagreeing_are_all_rejected(builder, run_import, header, column):
    family = builder.family(1)
    family[2][header] = {
        "NO KK": "3402090101200099",
        "KODE DESA": "34.02.09.2004"
        if family[0]["KODE DESA"].replace(".", "") != "3402092004"
        else "34.02.09.2001",
        "SEMBAKO": "T" if family[0]["SEMBAKO"] == "Y" else "Y",
        "KKS": "T",
    }[header]
    roster_import = run_import(csv_bytes([family]))
    found = issues(roster_import)
    assert {line for line, col, _r in found if col == column} == set(range(2, 2 + len(family)))
    assert Household.objects.count() == 0


def test_pengurus_missing_or_doubled_is_a_warning(builder, run_import):
    none_marked = builder.family(1)
    for row in none_marked:
        row["PENGURUS"] = "T"
    two_marked = builder.family(2)
    two_marked[0]["PENGURUS"] = "Y"
    roster_import = run_import(csv_bytes([none_marked, two_marked]))
    assert roster_import.committed
    warnings = {(w[0], w[1]): w[2] for w in issues(roster_import, IssueKind.WARNING)}
    assert "dipakai baris 3" in warnings[(2, "PENGURUS")]  # the first ISTRI
    assert "Lebih dari satu" in warnings[(2 + len(none_marked), "PENGURUS")]
    wife = Member.objects.get(nik=none_marked[1]["NIK KTP"])
    assert wife.is_pengurus
    head = Member.objects.get(nik=two_marked[0]["NIK KTP"])
    assert head.is_pengurus  # the first one marked
    assert Member.objects.filter(is_pengurus=True).count() == 2


def test_village_outside_the_admins_region_is_rejected(builder, run_import, other_region_village):
    family = builder.family(1)
    for row in family:
        row["KODE DESA"] = other_region_village.code
    unknown = builder.family(2)
    unknown[0]["KODE DESA"] = "3402099999"
    roster_import = run_import(csv_bytes([family, unknown]))
    reasons = {r for _l, c, r in issues(roster_import) if c == "KODE_WILAYAH"}
    assert reasons == {"Desa ini di luar wilayah Anda.", "Kode wilayah tidak dikenal."}
    assert Household.objects.count() == 0


def test_family_registered_in_another_region_is_not_taken_over(
    builder, run_import, other_region_village, other_region_admin
):
    family = builder.family(1)
    household_with_members(id_keluarga=family[0]["IDSEMESTA"], village=other_region_village)
    roster_import = run_import(csv_bytes([family]))
    assert {c for _l, c, _r in issues(roster_import)} == {"ID_KELUARGA"}
    assert Household.objects.get().village == other_region_village


def test_unknown_facilitator_is_rejected_and_group_created(builder, run_import, facilitator):
    family = builder.family(1)
    for row in family:
        row["PENDAMPING"] = facilitator.username
        row["KELOMPOK P2K2"] = "Melati  Baru"
    stranger = builder.family(2)
    stranger[0]["PENDAMPING"] = "tidak_ada"
    roster_import = run_import(csv_bytes([family, stranger]), mode=ImportMode.SKIP_INVALID)
    assert [(line, column) for line, column, _r in issues(roster_import)] == [
        (2 + len(family), "PENDAMPING")
    ]
    household = Household.objects.get()
    assert household.facilitator == facilitator
    assert household.fds_group == FdsGroup.objects.get(name="Melati Baru", facilitator=facilitator)
    # The same group name again: no second group.
    run_import(csv_bytes([family]))
    assert FdsGroup.objects.count() == 1


def test_facilitator_change_moves_the_family_and_records_a_transfer(
    builder, run_import, facilitator, other_facilitator, admin_user
):
    family = builder.family(1)
    for row in family:
        row["PENDAMPING"] = facilitator.username
    run_import(csv_bytes([family]))
    for row in family:
        row["PENDAMPING"] = other_facilitator.username
        row["KELOMPOK P2K2"] = ""
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.households_updated == 1
    household = Household.objects.get()
    assert household.facilitator == other_facilitator
    assert household.fds_group is None  # the old group belonged to the old facilitator
    transfer = HouseholdTransfer.objects.get()
    assert (transfer.from_facilitator, transfer.to_facilitator, transfer.moved_by) == (
        facilitator,
        other_facilitator,
        admin_user,
    )

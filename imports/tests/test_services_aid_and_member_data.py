"""The meaning of an import (docs/roster_format.md) once committed: aid flags and aid columns,
member data, NIK warnings, and the staging rows' retention."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from households.models import Household, Member
from households.tests.factories import MemberFactory, household_with_members
from imports.models import ImportMode, IssueKind, StagingRow
from imports.services import roster_import_aid_flags, staging_cleanup
from imports.tests.helpers import issues
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def test_aid_flags_for_the_assistance_module(builder, run_import):
    family = builder.family(1)
    family[0]["KIP"], family[0]["KIS"] = "T", "Y"
    family[1]["KIP"], family[1]["KIS"] = "", "T"
    for row in family:
        row["SEMBAKO"], row["KKS"] = "Y", ""
    family[2]["KKS"] = "Y"
    roster_import = run_import(csv_bytes([family]))
    member_flags, household_flags = roster_import_aid_flags(roster_import=roster_import)
    head = Member.objects.get(nik=family[0]["NIK KTP"])
    wife = Member.objects.get(nik=family[1]["NIK KTP"])
    assert member_flags[head.pk] == {"KIP": False, "KIS": True}
    assert member_flags[wife.pk] == {"KIS": False}
    assert len(member_flags) == len(family)
    assert household_flags == {Household.objects.get().pk: {"SEMBAKO": True, "KKS": True}}


def test_aid_flags_need_a_committed_import(builder, run_import):
    roster_import = run_import(csv_bytes([builder.family(1)]), mode=ImportMode.DRY_RUN)
    with pytest.raises(ValidationError):
        roster_import_aid_flags(roster_import=roster_import)


def test_staging_rows_are_dropped_after_the_retention(builder, run_import, settings):
    roster_import = run_import(csv_bytes([builder.family(1)]))
    assert StagingRow.objects.filter(import_id=roster_import.pk).exists()
    settings.IMPORTS_STAGING_DAYS = 7
    staging_cleanup(now=roster_import.finished_at + datetime.timedelta(days=8))
    assert not StagingRow.objects.filter(import_id=roster_import.pk).exists()
    roster_import.refresh_from_db()
    assert roster_import.staging_cleared
    with pytest.raises(ValidationError):
        roster_import_aid_flags(roster_import=roster_import)


def test_nik_disagreeing_with_birth_date_or_sex_is_a_warning(builder, run_import):
    family = builder.family(1)
    family[1]["JK"] = "L"  # the NIK says female (day + 40)
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.committed
    assert any(
        line == 3 and column == "NIK" and "Jenis kelamin" in reason
        for line, column, reason in issues(roster_import, IssueKind.WARNING)
    )


def test_member_data_for_a_registered_member(builder, run_import, facilitator):
    registered = household_with_members(facilitator=facilitator)
    MemberFactory(household=registered)
    family = builder.family(1)
    for row in family:
        row["IDSEMESTA"] = registered.id_keluarga
        row["KODE DESA"] = registered.village_id
        row["NO KK"] = registered.no_kk
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.committed, issues(roster_import)
    assert roster_import.households_updated + roster_import.households_unchanged == 1
    assert Member.objects.filter(household=registered).count() == 5 + len(family)
    assert Member.objects.filter(household=registered, is_pengurus=True).count() == 1


def test_aid_columns_set_the_aid_statuses(builder, run_import):
    """KIP/KIS/SEMBAKO/KKS of a committed import reach the aid module (issue 4)."""
    from assistance.models import AidEnrolment, AidStatus

    family = builder.family(1)
    for row in family:
        row["KIS"], row["SEMBAKO"], row["KKS"] = "Y", "Y", "T"
    family[0]["KIS"] = "T"
    run_import(csv_bytes([family]))
    household = Household.objects.get()
    head = Member.objects.get(nik=family[0]["NIK KTP"])
    wife = Member.objects.get(nik=family[1]["NIK KTP"])

    def status(code, member=None):
        return AidEnrolment.objects.get(household=household, aid_id=code, member=member).status

    assert status("KIS", wife) == AidStatus.RECEIVING
    assert status("KIS", head) == AidStatus.ELIGIBLE
    assert status("SEMBAKO") == AidStatus.RECEIVING
    assert status("KKS") == AidStatus.ELIGIBLE
    # The same file again changes nothing.
    before = list(AidEnrolment.objects.order_by("pk").values_list("pk", "status", "since"))
    again = run_import(csv_bytes([family]))
    assert again.households_unchanged == 1
    assert list(AidEnrolment.objects.order_by("pk").values_list("pk", "status", "since")) == before


def test_a_changed_aid_column_alone_updates_the_aid_status(builder, run_import):
    from assistance.models import AidEnrolment, AidStatus

    family = builder.family(1)
    for row in family:
        row["KIS"] = "T"
    run_import(csv_bytes([family]))
    wife = Member.objects.get(nik=family[1]["NIK KTP"])
    assert AidEnrolment.objects.get(aid_id="KIS", member=wife).status == AidStatus.ELIGIBLE
    family[1]["KIS"] = "Y"
    run_import(csv_bytes([family]))
    assert AidEnrolment.objects.get(aid_id="KIS", member=wife).status == AidStatus.RECEIVING


def test_aid_outside_its_age_limits_is_a_warning(builder, run_import):
    """KIP = Y for a 66-year-old: a warning from the aid module's age rule (KIP is for
    ages 6-21), with the line and column; a child's KIP and everyone's KIS are fine."""
    family = builder.family(1)
    for row in family:
        row["KIP"], row["KIS"] = "T", "Y"
    family[0]["TGL LAHIR"] = "1960-05-01"
    family[0]["KIP"] = "Y"
    family[2]["TGL LAHIR"] = "2015-03-01"
    family[2]["KIP"] = "Y"
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.committed  # a warning does not block
    aid = [w for w in issues(roster_import, IssueKind.WARNING) if w[1] in ("KIP", "KIS")]
    assert len(aid) == 1
    line, column, reason = aid[0]
    assert (line, column) == (2, "KIP")  # header = line 1
    assert "KIP hanya untuk usia 6-21 tahun" in reason

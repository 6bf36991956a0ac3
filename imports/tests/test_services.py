"""The meaning of an import (docs/roster_format.md): dedup, modes, idempotency, audit, scoping."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fds_sessions.models import FdsGroup
from households.models import Household, HouseholdTransfer, Member
from households.tests.factories import MemberFactory, household_with_members
from imports.models import ImportMode, ImportStatus, IssueKind, StagingRow
from imports.services import (
    roster_import_aid_flags,
    roster_import_cancel,
    roster_import_confirm,
    roster_import_create,
    roster_import_validate,
    staging_cleanup,
)
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


def issues(roster_import, kind=IssueKind.REJECTION):
    return list(roster_import.issues.filter(kind=kind).values_list("line", "column", "reason"))


def history_count():
    return Household.history.count() + Member.history.count()


# -- duplicates ------------------------------------------------------------------
def test_same_nik_twice_in_the_file_rejects_every_such_row(builder, run_import):
    a, b = builder.family(1), builder.family(2)
    b[1]["NIK KTP"] = a[2]["NIK KTP"]
    roster_import = run_import(csv_bytes([a, b]))
    assert not roster_import.committed
    found = [(line, column) for line, column, _r in issues(roster_import)]
    line_a, line_b = 1 + 3, 1 + len(a) + 2  # header = line 1
    assert found == [(line_a, "NIK"), (line_b, "NIK")]
    assert str(line_b) in issues(roster_import)[0][2]  # each row names the other
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_nik_of_a_member_of_another_family_is_rejected(builder, run_import, facilitator):
    registered = household_with_members(facilitator=facilitator)
    nik = registered.members.first().nik
    family = builder.family(1)
    family[1]["NIK KTP"] = nik
    roster_import = run_import(csv_bytes([family]), mode=ImportMode.SKIP_INVALID)
    assert issues(roster_import) == [
        (
            3,
            "NIK",
            f"NIK ini sudah terdaftar sebagai anggota keluarga lain (ID {registered.id_keluarga}).",
        )
    ]
    assert roster_import.households_skipped == 1
    assert Household.objects.count() == 1  # the family was left out whole
    assert Member.objects.get(nik=nik).household == registered


def test_probable_duplicates_are_warnings_listing_both_records(builder, run_import, facilitator):
    registered = household_with_members(facilitator=facilitator)
    member = registered.members.order_by("birth_date").first()
    family = builder.family(1)
    family[3]["NAMA ART"] = f"  {member.name.lower()} "  # another NIK, same person?
    family[3]["TGL LAHIR"] = member.birth_date.strftime("%d/%m/%Y")
    other = builder.family(2)
    other[0]["NAMA ART"] = family[0]["NAMA ART"]
    other[0]["TGL LAHIR"] = family[0]["TGL LAHIR"]
    roster_import = run_import(csv_bytes([family, other]))
    assert roster_import.committed  # warnings do not block
    warnings = issues(roster_import, IssueKind.WARNING)
    registry = [w for w in warnings if "anggota terdaftar" in w[2]]
    assert registry and registry[0][0] == 5
    assert member.nik in registry[0][2] and registered.id_keluarga in registry[0][2]
    in_file = [w for w in warnings if "nama dan tanggal lahir sama" in w[2] and "baris" in w[2]]
    assert {w[0] for w in in_file} == {2, 2 + len(family)}
    assert any(w[2].find(str(2 + len(family))) > 0 for w in in_file if w[0] == 2)


def test_same_name_twice_on_one_family_card(builder, run_import):
    family = builder.family(1)
    family[3]["NAMA ART"] = family[2]["NAMA ART"]
    roster_import = run_import(csv_bytes([family]))
    lines = {w[0] for w in issues(roster_import, IssueKind.WARNING) if "No. KK" in w[2]}
    assert lines == {4, 5}


def test_the_same_file_again_warns_about_each_probable_duplicate_once(builder, run_import):
    """Once imported, the file's members are registered: a pair of them is still one
    warning per row (the file's), not one more against each other's registered record."""
    family, other = builder.family(1), builder.family(2)
    other[0]["NAMA ART"], other[0]["TGL LAHIR"] = family[0]["NAMA ART"], family[0]["TGL LAHIR"]
    family[3]["NAMA ART"] = family[2]["NAMA ART"]  # the same name twice on one card
    data = csv_bytes([family, other])
    first = run_import(data)
    assert first.committed
    second = run_import(data)
    assert second.committed and second.households_unchanged == 2
    warned = sorted(issues(second, IssueKind.WARNING))
    assert warned == sorted(issues(first, IssueKind.WARNING))
    assert not [w for w in warned if "terdaftar" in w[2]]
    assert len([w for w in warned if "No. KK" in w[2]]) == 2


def test_a_registered_member_whose_row_cannot_be_compared_is_still_named(builder, run_import):
    """The file has the registered member too, but their row's birth date is unreadable:
    the file checks cannot pair them, so the registry check still does."""
    family = builder.family(1)
    assert run_import(csv_bytes([family])).committed
    registered = Member.objects.get(nik=family[2]["NIK KTP"])
    family[2]["TGL LAHIR"] = "31/02/2019"  # rejected: the family is left out
    other = builder.family(2)
    other[3]["NAMA ART"] = family[2]["NAMA ART"]
    other[3]["TGL LAHIR"] = registered.birth_date.strftime("%d/%m/%Y")
    roster_import = run_import(csv_bytes([family, other]), mode=ImportMode.SKIP_INVALID)
    line = 1 + len(family) + 4  # header = line 1
    named = [w for w in issues(roster_import, IssueKind.WARNING) if "anggota terdaftar" in w[2]]
    assert [w[0] for w in named] == [line] and registered.nik in named[0][2]


# -- family-level rules ------------------------------------------------------------
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


# -- idempotency, updates, audit trail ------------------------------------------------
def test_same_file_twice_changes_nothing_the_second_time(builder, run_import):
    data = csv_bytes(list(builder.families(6)))
    first = run_import(data)
    assert first.committed and first.households_created == 6
    before = history_count()
    second = run_import(data)
    assert second.committed
    assert (second.households_created, second.households_updated) == (0, 0)
    assert second.households_unchanged == 6
    assert (second.members_created, second.members_updated) == (0, 0)
    assert second.members_unchanged == Member.objects.count()
    assert history_count() == before  # an unchanged row writes nothing


def test_updated_file_updates_only_the_changed_families(builder, run_import, admin_user):
    families = list(builder.families(5))
    run_import(csv_bytes(families))
    before = {h.pk: h.history.count() for h in Household.objects.all()}
    families[1][0]["ALAMAT"] = "Dusun Baru RT 3"  # a family value
    families[3][2]["NAMA ART"] = "NAMA YANG DIPERBAIKI"  # a member value
    families[3][2]["KOMPONEN"] = "SMP"
    roster_import = run_import(csv_bytes(families))
    assert roster_import.households_updated == 1
    assert roster_import.members_updated == 1
    changed_household = Household.objects.get(id_keluarga=families[1][0]["IDSEMESTA"])
    assert changed_household.address == "Dusun Baru RT 3"
    assert changed_household.history.count() == before[changed_household.pk] + 1
    record = changed_household.history.first()
    assert record.history_user == admin_user
    assert f"Impor roster #{roster_import.pk}" in record.history_change_reason
    member = Member.objects.get(nik=families[3][2]["NIK KTP"])
    assert (
        member.name == "NAMA YANG DIPERBAIKI" and member.name_normalized == "NAMA YANG DIPERBAIKI"
    )
    assert list(member.components.values_list("code", flat=True)) == ["SMP"]
    assert member.history.first().history_type == "~"
    assert list(member.history.first().components.values_list("component_id", flat=True)) == ["SMP"]
    untouched = [h for h in Household.objects.all() if h.pk != changed_household.pk]
    assert all(h.history.count() == before[h.pk] for h in untouched)


def test_a_member_absent_from_a_new_file_is_left_as_it_is(builder, run_import):
    family = builder.family(1)
    run_import(csv_bytes([family]))
    roster_import = run_import(csv_bytes([family[:2]]))
    assert roster_import.members_unchanged == 2
    assert Member.objects.count() == len(family)


def test_pengurus_moves_to_the_member_the_file_names(builder, run_import):
    family = builder.family(1)
    run_import(csv_bytes([family]))
    assert Household.objects.get().pengurus_name_cache == family[1]["NAMA ART"]
    family[1]["PENGURUS"] = "T"
    family[0]["PENGURUS"] = "Y"
    roster_import = run_import(csv_bytes([family]))
    assert roster_import.members_updated == 2
    assert Member.objects.get(is_pengurus=True).nik == family[0]["NIK KTP"]
    # The registry's denormalised pengurus name follows bulk SQL writes too.
    assert Household.objects.get().pengurus_name_cache == family[0]["NAMA ART"]


def test_component_masks_agree_with_the_members_components(builder, run_import):
    """The import writes new families' masks itself; the database keeps them after."""

    def recount(household):
        flags = Member.components.through.objects.filter(
            member__household=household, member__left_on__isnull=True
        ).values_list("component__flag", flat=True)
        return sum(set(flags))

    families = list(builder.families(4))
    assert run_import(csv_bytes(families)).committed
    children = [row for row in families[0] if row["KOMPONEN"]]
    children[-1]["KOMPONEN"] = "SMP, DISABILITAS"  # an updated file
    assert run_import(csv_bytes(families)).members_updated == 1
    households = Household.objects.all()
    assert len(households) == 4 and any(h.component_mask for h in households)
    assert [h.component_mask for h in households] == [recount(h) for h in households]


def test_created_records_are_in_the_family_audit_trail(builder, run_import, client, admin_user):
    run_import(csv_bytes([builder.family(1)]))
    household = Household.objects.get()
    assert household.history.get().history_type == "+"
    assert household.history.get().history_user == admin_user
    client.force_login(admin_user)
    page = client.get(f"/keluarga/{household.pk}/").content.decode()
    assert str(admin_user) in page


def test_families_changed_is_called_with_the_changed_families(
    builder, run_import, families_changed_calls
):
    families = list(builder.families(3))
    run_import(csv_bytes(families))
    assert families_changed_calls[-1][0] == set(Household.objects.values_list("pk", flat=True))
    assert {"facilitator", "fds_group", "members"} <= families_changed_calls[-1][1]
    families_changed_calls.clear()
    run_import(csv_bytes(families))  # unchanged: nothing to tell
    assert families_changed_calls == []


# -- modes -------------------------------------------------------------------------
def test_dry_run_writes_nothing(builder, run_import):
    roster_import = run_import(csv_bytes(list(builder.families(3))), mode=ImportMode.DRY_RUN)
    assert roster_import.status == ImportStatus.DONE and not roster_import.committed
    assert roster_import.households_created == 3
    assert Household.objects.count() == 0 and history_count() == 0


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(builder, run_import):
    families = list(builder.families(3))
    families[2][1]["JK"] = "W"
    roster_import = run_import(csv_bytes(families))
    assert roster_import.status == ImportStatus.FAILED and not roster_import.committed
    assert Household.objects.count() == 0 and FdsGroup.objects.count() == 0


def test_skip_invalid_leaves_out_whole_families(builder, run_import):
    families = list(builder.families(3))
    families[1][2]["JK"] = "W"
    roster_import = run_import(csv_bytes(families), mode=ImportMode.SKIP_INVALID)
    assert roster_import.committed
    assert roster_import.households_created == 2 and roster_import.households_skipped == 1
    assert not Household.objects.filter(id_keluarga=families[1][0]["IDSEMESTA"]).exists()
    assert not Member.objects.filter(nik=families[1][0]["NIK KTP"]).exists()


def test_confirm_rules(builder, admin_user, other_region_admin):
    families = list(builder.families(2))
    families[0][0]["JK"] = "?"
    from django.core.files.base import ContentFile

    roster_import = roster_import_create(
        by=admin_user, file=ContentFile(csv_bytes(families)), file_name="r.csv", enqueue=False
    )
    roster_import = roster_import_validate(roster_import_id=roster_import.pk)
    assert roster_import.status == ImportStatus.AWAITING_CONFIRMATION
    with pytest.raises(ValidationError, match="semua atau tidak"):
        roster_import_confirm(roster_import=roster_import, by=admin_user)
    with pytest.raises(ValidationError):
        roster_import_confirm(roster_import=roster_import, by=other_region_admin)
    confirmed = roster_import_confirm(
        roster_import=roster_import, by=admin_user, mode=ImportMode.SKIP_INVALID
    )
    assert confirmed.status == ImportStatus.IMPORTING
    with pytest.raises(ValidationError):
        roster_import_cancel(roster_import=confirmed, by=admin_user)


def test_only_admins_may_import(facilitator):
    from django.core.files.base import ContentFile

    with pytest.raises(ValidationError):
        roster_import_create(by=facilitator, file=ContentFile(b"x"), file_name="r.csv")


# -- after a committed import ------------------------------------------------------------
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

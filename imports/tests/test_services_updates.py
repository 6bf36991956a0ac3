"""The meaning of an import (docs/roster_format.md): idempotency, updates of registered
families and the audit trail."""

import pytest

from households.models import Household, Member
from imports.tests.helpers import history_count
from imports.tests.roster import csv_bytes

pytestmark = pytest.mark.django_db


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

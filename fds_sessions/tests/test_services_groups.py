"""Group services: create, update, archive, families added and removed, and memberships_sync
(transfers, bulk assignment, imported groups)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fds_sessions import services
from fds_sessions.models import FdsGroup, GroupMembership
from fds_sessions.selectors.figures import AttendanceRate, attendance_rates
from fds_sessions.selectors.groups import group_scope
from fds_sessions.tests.factories import GroupFactory, add_families, held_session
from fds_sessions.tests.helpers import A, P, today
from households.models import Household
from households.services import households_transfer
from households.tests.factories import household_with_members
from pkh.extensions import families_changed
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_group_create_by_facilitator(facilitator, regions):
    village = Region.objects.get(code="34.02.09.2001")
    group = services.group_create(name="  Mawar   Patalan ", village=village, by=facilitator)
    assert group.name == "Mawar Patalan"
    assert group.facilitator == facilitator
    assert group.history.first().history_user == facilitator


def test_group_create_refuses_supervisor_duplicate_and_foreign_village(
    facilitator, supervisor, regions
):
    village = Region.objects.get(code="34.02.09.2001")
    with pytest.raises(ValidationError):
        services.group_create(name="Mawar", village=village, by=supervisor)
    services.group_create(name="Mawar", village=village, by=facilitator)
    with pytest.raises(ValidationError) as exc:
        services.group_create(name="mawar", village=village, by=facilitator)
    assert "name" in exc.value.error_dict
    foreign = Region.objects.get(code="33.74.01.1001")
    with pytest.raises(ValidationError) as exc:
        services.group_create(name="Anggrek", village=foreign, by=facilitator)
    assert "village" in exc.value.error_dict
    assert FdsGroup.objects.count() == 1


def test_group_update_leader_must_be_pengurus_of_a_member_family(group, facilitator):
    inside = add_families(group, 2)
    outsider = household_with_members(facilitator=facilitator)
    pengurus = inside[0].members.get(is_pengurus=True)
    husband = inside[0].members.exclude(is_pengurus=True).first()
    common = {"name": group.name, "village": group.village, "meeting_place": "", "by": facilitator}
    services.group_update(group=group, leader=pengurus, is_active=True, **common)
    group.refresh_from_db()
    assert group.leader == pengurus
    for wrong in (husband, outsider.members.get(is_pengurus=True)):
        with pytest.raises(ValidationError) as exc:
            services.group_update(group=group, leader=wrong, is_active=True, **common)
        assert "leader" in exc.value.error_dict
    group.refresh_from_db()
    assert group.leader == pengurus


def test_group_cannot_be_archived_with_families_or_edited_by_colleague(
    group, facilitator, other_facilitator
):
    add_families(group, 1)
    common = {"name": group.name, "village": group.village, "meeting_place": "", "leader": None}
    with pytest.raises(ValidationError):
        services.group_update(group=group, is_active=False, by=facilitator, **common)
    with pytest.raises(ValidationError):
        services.group_update(group=group, is_active=True, by=other_facilitator, **common)
    group.refresh_from_db()
    assert group.is_active


def test_group_families_add_moves_family_and_keeps_periods(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga Patalan")
    family = add_families(other, 1, joined_on=datetime.date(2024, 1, 1))[0]
    other.leader = family.members.get(is_pengurus=True)
    other.save()
    on = today() - datetime.timedelta(days=10)
    moved = services.group_families_add(
        group=group, household_ids=[family.pk], on_date=on, by=facilitator
    )
    assert moved == 1
    family.refresh_from_db()
    assert family.fds_group == group
    periods = list(GroupMembership.objects.filter(household=family).order_by("joined_on"))
    assert [(p.group_id, p.joined_on, p.left_on) for p in periods] == [
        (other.pk, datetime.date(2024, 1, 1), on),
        (group.pk, on, None),
    ]
    other.refresh_from_db()
    assert other.leader is None
    assert family.history.first().history_user == facilitator


def test_group_families_add_refuses_bad_input_and_writes_nothing(
    group, facilitator, other_facilitator
):
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    cases = [
        ({"household_ids": [mine.pk, theirs.pk], "on_date": today()}, "households"),
        ({"household_ids": [], "on_date": today()}, "households"),
        ({"household_ids": [mine.pk], "on_date": today() + datetime.timedelta(days=1)}, "on_date"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.group_families_add(group=group, by=facilitator, **kwargs)
        assert field in exc.value.error_dict
    assert not GroupMembership.objects.exists()
    mine.refresh_from_db()
    assert mine.fds_group is None


def test_move_cannot_predate_recorded_attendance_or_current_period(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(other, 1, joined_on=today() - datetime.timedelta(days=60))[0]
    held_session(other, today() - datetime.timedelta(days=5), {family.pk: P})
    for days in (6, 90):
        with pytest.raises(ValidationError) as exc:
            services.group_families_add(
                group=group,
                household_ids=[family.pk],
                on_date=today() - datetime.timedelta(days=days),
                by=facilitator,
            )
        assert "on_date" in exc.value.error_dict
    family.refresh_from_db()
    assert family.fds_group == other


def test_move_on_the_day_of_a_meeting_keeps_that_meeting(group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family, stays = add_families(other, 2, joined_on=today() - datetime.timedelta(days=60))
    held_session(other, today(), {family.pk: P, stays.pk: A})
    services.group_families_add(
        group=group, household_ids=[family.pk], on_date=today(), by=facilitator
    )
    old = GroupMembership.objects.get(household=family, group=other)
    new = GroupMembership.objects.get(household=family, group=group)
    assert old.covers(today()) and new.covers(today())
    rates = attendance_rates(user=facilitator, by="household", start=today(), end=today())
    assert rates[family.pk] == AttendanceRate(present=1, held=1)
    # The new group's meeting the same day lists the family too.
    assert family.pk in services.members_on(group=group, day=today())


def test_group_families_remove(group, facilitator):
    families = add_families(group, 3)
    services.group_families_remove(
        group=group, household_ids=[families[0].pk], on_date=today(), by=facilitator
    )
    assert set(Household.objects.filter(fds_group=group)) == set(families[1:])
    period = GroupMembership.objects.get(household=families[0])
    assert period.left_on == today()
    outsider = household_with_members(facilitator=facilitator)
    with pytest.raises(ValidationError):
        services.group_families_remove(
            group=group, household_ids=[outsider.pk], on_date=today(), by=facilitator
        )


@pytest.fixture(params=["id lists", "temporary table"])
def sync_path(request, monkeypatch):
    """Both ways of ``memberships_sync``: rounds of id lists (a few families) and one
    pass over a temporary table of the ids (many: a roster import)."""
    if request.param == "temporary table":
        monkeypatch.setattr(services, "SYNC_SCOPE_MIN", 0)
    return request.param


def test_transfer_to_another_facilitator_closes_the_membership(
    group, facilitator, other_facilitator, admin_user
):
    family = add_families(group, 1)[0]
    households_transfer(households=[family.pk], to_facilitator=other_facilitator, by=admin_user)
    period = GroupMembership.objects.get(household=family)
    assert period.left_on == today()


def test_sync_opens_periods_for_bulk_assignment_and_is_idempotent(group, facilitator, sync_path):
    families = [household_with_members(facilitator=facilitator) for _ in range(3)]
    ids = {h.pk for h in families}
    Household.objects.filter(pk__in=ids).update(fds_group=group)
    families_changed(ids, fields={"fds_group"})
    assert GroupMembership.objects.filter(group=group, left_on=None).count() == 3
    counts = services.memberships_sync(household_ids=ids)
    assert counts == {"closed": 0, "opened": 0}
    assert GroupMembership.objects.count() == 3


def test_sync_moves_between_groups_and_drops_leader(group, facilitator, sync_path):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(group, 1, joined_on=today() - datetime.timedelta(days=30))[0]
    group.leader = family.members.get(is_pengurus=True)
    group.save()
    Household.objects.filter(pk=family.pk).update(fds_group=other)
    services.memberships_sync(household_ids=[family.pk])
    periods = {p.group_id: p for p in GroupMembership.objects.filter(household=family)}
    assert periods[group.pk].left_on == today()
    assert periods[other.pk].joined_on == today() and periods[other.pk].left_on is None
    group.refresh_from_db()
    assert group.leader is None


def test_sync_unrelated_fields_do_nothing(group, facilitator):
    family = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=family.pk).update(fds_group=group)
    families_changed({family.pk}, fields={"phone"})
    assert not GroupMembership.objects.exists()


def test_sync_never_cuts_off_attendance_recorded_today(group, facilitator, sync_path):
    """A family that joined today, attended today's meeting and is moved by an import the
    same day keeps that meeting in its period (the rates count it)."""
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    family = add_families(group, 1, joined_on=today())[0]
    held_session(group, today(), {family.pk: P})
    Household.objects.filter(pk=family.pk).update(fds_group=other)
    services.memberships_sync(household_ids=[family.pk])
    period = GroupMembership.objects.get(household=family, group=group)
    assert period.covers(today())
    assert GroupMembership.objects.get(household=family, left_on=None).group == other
    rates = attendance_rates(user=facilitator, by="household", start=today(), end=today())
    assert rates[family.pk] == AttendanceRate(present=1, held=1)


def test_sync_gives_imported_groups_a_village_for_admin_scope(facilitator, admin_user, sync_path):
    imported = FdsGroup.objects.create(name="Kelompok impor", facilitator=facilitator)
    family = household_with_members(facilitator=facilitator)
    Household.objects.filter(pk=family.pk).update(fds_group=imported)
    assert not group_scope(user=admin_user).filter(pk=imported.pk).exists()
    families_changed({family.pk}, fields={"fds_group"})
    imported.refresh_from_db()
    assert imported.village_id == family.village_id
    assert group_scope(user=admin_user).filter(pk=imported.pk).exists()

"""The roster's aid statuses (``assistance.services.roster``)."""

import datetime

import pytest

from assistance.models import (
    AidEnrolment,
    AidStatus,
    StatusSource,
)
from assistance.services.roster import roster_aid_apply, roster_aid_problems
from assistance.tests.conftest import aid_set, member_by_component, statuses
from assistance.tests.factories import ResourceFactory
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_roster_aid_apply_sets_statuses_in_bulk(facilitator, django_assert_max_num_queries):
    families = [household_with_members(facilitator=facilitator) for _ in range(30)]
    member_flags, household_flags = {}, {}
    for i, household in enumerate(families):
        for member in household.members.all():
            member_flags[member.pk] = {"KIS": i % 2 == 0, "KIP": i % 3 == 0}
        household_flags[household.pk] = {"SEMBAKO": True, "KKS": i % 5 != 0, "XYZ": True}
    on = YESTERDAY
    with django_assert_max_num_queries(40):
        changed = roster_aid_apply(
            member_flags=member_flags, household_flags=household_flags, by=facilitator, on=on
        )
    receiving = AidEnrolment.objects.filter(status=AidStatus.RECEIVING)
    assert receiving.filter(aid="SEMBAKO").count() == 30
    assert receiving.filter(aid="KKS").count() == 24
    assert receiving.filter(aid="KIS").count() == 15 * 4
    # KIP=Y for the SD child and for non-students: the roster is the national record.
    assert receiving.filter(aid="KIP").count() == 10 * 4
    assert changed == receiving.count()
    row = receiving.filter(aid="KKS").first()
    assert row.since == on and row.source == StatusSource.ROSTER
    assert row.history.first().history_user == facilitator
    # Idempotent.
    assert (
        roster_aid_apply(
            member_flags=member_flags, household_flags=household_flags, by=facilitator, on=on
        )
        == 0
    )


def test_roster_false_stops_receiving_but_keeps_a_proposal(family, facilitator):
    child = member_by_component(family, "SD")
    grandmother = member_by_component(family, "LANSIA")
    resource = ResourceFactory()
    aid_set(family, facilitator, "KKS")
    aid_set(family, facilitator, "SEMBAKO", status=AidStatus.PROPOSED, office=resource)
    roster_aid_apply(
        member_flags={child.pk: {"KIP": True}, grandmother.pk: {"KIS": True}},
        household_flags={},
        by=facilitator,
        on=YESTERDAY,
    )
    changed = roster_aid_apply(
        member_flags={child.pk: {"KIP": False}, grandmother.pk: {"KIS": False}},
        household_flags={family.pk: {"KKS": False, "SEMBAKO": False}},
        by=facilitator,
        on=TODAY,
    )
    rows = statuses(family)
    assert changed == 3
    assert rows[("KIP", child.pk)] == AidStatus.ELIGIBLE
    assert rows[("KIS", grandmother.pk)] == AidStatus.ELIGIBLE
    assert rows[("KKS", None)] == AidStatus.ELIGIBLE
    assert rows[("SEMBAKO", None)] == AidStatus.PROPOSED


def test_roster_false_for_a_member_not_eligible_means_not_eligible(family, facilitator):
    mother = family.members.get(is_pengurus=True)
    roster_aid_apply(
        member_flags={mother.pk: {"KIP": True}}, household_flags={}, by=facilitator, on=TODAY
    )
    roster_aid_apply(
        member_flags={mother.pk: {"KIP": False}}, household_flags={}, by=facilitator, on=TODAY
    )
    assert AidEnrolment.objects.get(member=mother, aid="KIP").status == AidStatus.NOT_ELIGIBLE


def test_roster_aid_problems_names_members_outside_age_limits(family):
    grandmother = member_by_component(family, "LANSIA")
    child = member_by_component(family, "SD")
    problems = roster_aid_problems(
        member_flags={grandmother.pk: {"KIP": True}, child.pk: {"KIP": True}}
    )
    assert list(problems) == [grandmother.pk]

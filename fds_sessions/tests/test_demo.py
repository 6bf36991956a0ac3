import io

import pytest

from fds_sessions.demo import MONTHS, seed_fds_demo
from fds_sessions.models import Attendance, FdsGroup, FdsSession, GroupMembership, SessionStatus
from households.models import Household
from households.tests.factories import HouseholdFactory, MemberFactory
from pkh import extensions

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_registered_and_idempotent(facilitator, other_facilitator):
    assert seed_fds_demo in extensions.demo_seeders
    for _ in range(60):
        h = HouseholdFactory(facilitator=facilitator)
        MemberFactory(household=h, is_pengurus=True)
    out = io.StringIO()
    seed_fds_demo(stdout=out)
    groups = FdsGroup.objects.filter(facilitator=facilitator)
    assert groups.count() == 3
    assert not Household.objects.filter(facilitator=facilitator, fds_group=None).exists()
    assert GroupMembership.objects.filter(left_on=None).count() == 60
    held = FdsSession.objects.filter(status=SessionStatus.HELD)
    assert held.count() == 3 * MONTHS
    assert Attendance.objects.count() == 60 * MONTHS
    present = Attendance.objects.filter(status="present").count() / Attendance.objects.count()
    assert 0.7 < present < 0.95
    assert all(g.leader_id for g in groups)
    counts = (FdsGroup.objects.count(), FdsSession.objects.count(), Attendance.objects.count())
    seed_fds_demo(stdout=out)
    assert (FdsGroup.objects.count(), FdsSession.objects.count(), Attendance.objects.count()) == (
        counts
    )
    assert not FdsGroup.objects.filter(facilitator=other_facilitator).exists()

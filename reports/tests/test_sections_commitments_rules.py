"""The report's commitments due follow the component rules as the audit trail had the
member, like the month screen (commitments.selectors.due): an ibu hamil is due up to the
month her nifas ended, an anak usia dini up to the month of the end age."""

import datetime

import pytest

from accounts.tests.factories import FacilitatorFactory, SupervisorFactory
from households.models import Member
from reports.quarters import Quarter, report_tz
from reports.snapshot import snapshot_build
from reports.tests.factories import household_at

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)  # April-June 2026
TZ = report_tz()
BEFORE = datetime.datetime(2025, 6, 1, 8, tzinfo=TZ)


def due_by_month(facilitator) -> list[int]:
    snapshot, _ = snapshot_build(facilitator=facilitator, quarter=Q)
    months = {
        row[0]: row[1]
        for s in snapshot["sections"]
        for t in s["tables"]
        if t["key"] == "commitments.by_month"
        for row in t["rows"]
    }
    return [months["2026-04"], months["2026-05"], months["2026-06"]]


def test_a_pregnancy_and_a_child_stop_being_due_when_their_component_ends(regions, settings):
    """HPL 1 April 2026 + 42 days: the last day of nifas is 13 May, so April and May
    are due, June not. Born 1 June 2020 with end age 5: 6 on 1 June 2026, so due to
    May. Read from the trail: the HPL is on the member's record as of the quarter."""
    settings.PKH_NIFAS_DAYS = 42
    settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 5
    me = FacilitatorFactory(supervisor=SupervisorFactory())
    h = household_at(when=BEFORE, facilitator=me, components=["IBU_HAMIL", "ANAK_USIA_DINI"])
    mother = h.test_members[1]
    for manager in (Member.objects, Member.history):
        manager.filter(id=mother.pk).update(expected_delivery_date=datetime.date(2026, 4, 1))
    assert due_by_month(me) == [2, 2, 0]

    settings.PKH_EARLY_CHILDHOOD_MAX_AGE = 6  # the child counts to 31 May 2027
    assert due_by_month(me) == [2, 2, 1]

import datetime

import pytest

from assistance.models import Aid, AidEnrolment, AidStatus
from assistance.services.aid_status import aid_status_set
from households.models import Relationship, Sex
from households.tests.factories import MemberFactory, household_with_members


@pytest.fixture
def family(facilitator):
    """Mother (pengurus), father, a child in SD (KIP), a toddler, and a grandmother of
    70 (outside KIP's age limits)."""
    household = household_with_members(facilitator=facilitator)
    MemberFactory(
        household=household,
        sex=Sex.FEMALE,
        birth_date=datetime.date(datetime.date.today().year - 70, 1, 1),
        relationship=Relationship.PARENT_IN_LAW,
        components=["LANSIA"],
    )
    return household


def member_by_component(household, code):
    return household.members.get(components__code=code)


def statuses(household):
    return {
        (e.aid_id, e.member_id): e.status for e in AidEnrolment.objects.filter(household=household)
    }


def aid_set(family, by, code, member=None, **kwargs):
    """``aid_status_set`` with the form's defaults: receiving since yesterday."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    data = {"status": AidStatus.RECEIVING, "since": yesterday, "card_number": ""}
    data.update(kwargs)
    return aid_status_set(
        household=family, aid=Aid.objects.get(code=code), member=member, by=by, **data
    )

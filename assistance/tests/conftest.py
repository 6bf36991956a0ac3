import datetime

import pytest

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

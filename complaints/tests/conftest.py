import pytest

from assistance.tests.factories import ResourceFactory
from households.tests.factories import household_with_members


@pytest.fixture
def household(facilitator):
    return household_with_members(facilitator=facilitator)


@pytest.fixture
def other_team_household(other_team_facilitator):
    return household_with_members(facilitator=other_team_facilitator)


@pytest.fixture
def office(regions):
    return ResourceFactory(name="Dinas Sosial Kabupaten Bantul")

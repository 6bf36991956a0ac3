import pytest

from households.tests.factories import household_with_members


@pytest.fixture
def household(facilitator):
    """A typical active family of ``facilitator`` (mother, father, SD child, toddler)."""
    return household_with_members(facilitator=facilitator)


@pytest.fixture
def other_household(other_facilitator):
    """A family of a colleague in the same team."""
    return household_with_members(facilitator=other_facilitator)


@pytest.fixture
def other_team_household(other_team_facilitator):
    return household_with_members(facilitator=other_team_facilitator)

import pytest

from accounts import selectors
from accounts.models import Role
from accounts.tests.factories import SupervisorFactory
from regions.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def test_area_choices_are_districts_and_villages_of_the_admins_region(admin_user):
    areas = list(selectors.area_choices(user=admin_user))
    assert areas
    assert {a.level for a in areas} <= {RegionLevel.DISTRICT, RegionLevel.VILLAGE}
    assert all(a.code.startswith("34.02.") for a in areas)
    outside = Region.objects.filter(level=RegionLevel.VILLAGE).exclude(code__startswith="34.02.")
    assert outside.exists()


def test_user_list_filters_by_role(admin_user, facilitator, supervisor):
    assert set(selectors.user_list(user=admin_user, role=Role.FACILITATOR)) == {facilitator}
    assert {facilitator, supervisor} <= set(selectors.user_list(user=admin_user))


def test_supervisor_list_leaves_out_the_user_being_edited(admin_user, supervisor, regions):
    other = SupervisorFactory(username="supervisor3", areas=[Region.objects.get(code="34.02.09")])
    assert set(selectors.supervisor_list(user=admin_user)) == {supervisor, other}
    assert set(selectors.supervisor_list(user=admin_user, excluding=supervisor)) == {other}


def test_supervisor_list_is_empty_for_another_regions_admin(other_region_admin, supervisor):
    assert not selectors.supervisor_list(user=other_region_admin).exists()

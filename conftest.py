"""Fixtures shared by every app's tests: regions, the three roles, and two teams."""

import pytest

from accounts.tests.factories import AdminFactory, FacilitatorFactory, SupervisorFactory
from households.models import Region
from households.tests.factories import OTHER_REGENCY_VILLAGE, ensure_regions


@pytest.fixture
def regions(db):
    ensure_regions()
    return Region.objects


@pytest.fixture
def supervisor(regions):
    return SupervisorFactory(username="supervisor1", areas=[Region.objects.get(code="34.02.09")])


@pytest.fixture
def facilitator(supervisor):
    return FacilitatorFactory(
        username="pendamping1",
        supervisor=supervisor,
        areas=[Region.objects.get(code="34.02.09.2001")],
    )


@pytest.fixture
def other_facilitator(supervisor):
    """Same team as ``facilitator``: a colleague, not the owner."""
    return FacilitatorFactory(
        username="pendamping2",
        supervisor=supervisor,
        areas=[Region.objects.get(code="34.02.09.2002")],
    )


@pytest.fixture
def other_supervisor(regions):
    return SupervisorFactory(username="supervisor2", areas=[Region.objects.get(code="34.02.09")])


@pytest.fixture
def other_team_facilitator(other_supervisor):
    return FacilitatorFactory(
        username="pendamping9",
        supervisor=other_supervisor,
        areas=[Region.objects.get(code="34.02.09.2003")],
    )


@pytest.fixture
def admin_user(regions):
    return AdminFactory(username="admin1", areas=[Region.objects.get(code="34.02")])


@pytest.fixture
def other_region_admin(regions):
    return AdminFactory(username="admin9", areas=[Region.objects.get(code="33.74")])


@pytest.fixture
def other_region_village(regions):
    return Region.objects.get(code=OTHER_REGENCY_VILLAGE[0])


def login(client, user):
    client.force_login(user)
    return client

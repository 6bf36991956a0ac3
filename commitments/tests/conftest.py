import datetime

import pytest
from django.utils import timezone

from commitments import rules
from commitments.tests.factories import FacilityFactory, SchoolFactory, enrol
from households.models import Member
from households.tests.factories import household_with_members, households_bulk


def last_month() -> datetime.date:
    return rules.month_add(timezone.localdate().replace(day=1), -1)


def enrol_all(households, *, school, posyandu, by):
    """The SD child of each typical family at ``school``, the toddler at ``posyandu``."""
    for m in Member.objects.filter(household__in=households).prefetch_related("components"):
        codes = {c.code for c in m.components.all()}
        if "SD" in codes:
            enrol(m, school, by=by)
        if "ANAK_USIA_DINI" in codes:
            enrol(m, posyandu, by=by)


@pytest.fixture
def month():
    return last_month()


@pytest.fixture
def school(regions):
    return SchoolFactory(name="SD Negeri 1 Patalan")


@pytest.fixture
def posyandu(regions):
    return FacilityFactory(name="Posyandu Melati Kertan")


@pytest.fixture
def family(facilitator, school, posyandu):
    household = household_with_members(facilitator=facilitator)
    enrol_all([household], school=school, posyandu=posyandu, by=facilitator)
    return household


@pytest.fixture
def many(facilitator, school, posyandu):
    def make(n):
        households = households_bulk(n, facilitator=facilitator)
        enrol_all(households, school=school, posyandu=posyandu, by=facilitator)
        return households

    return make


@pytest.fixture
def quarter():
    """The quarter judged today (``judged_quarter``): the one a sanction is proposed for."""
    from commitments.selectors.consequences import judged_quarter

    return judged_quarter(timezone.localdate())


@pytest.fixture
def failing(family, quarter):
    """The family, its SD child failed every month of the judged quarter."""
    from commitments.selectors.consequences import quarter_months
    from commitments.tests.test_consequences import record

    pupil = family.members.get(components__code="SD")
    for month in quarter_months(quarter):
        record(pupil, "SD", month, fails=True)
    return family

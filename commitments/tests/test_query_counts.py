"""Issue 16: "the month screen stays a constant number of queries". A small caseload (two
families, one school, one posyandu) against a larger one (40 families over five schools
and three posyandu), both with their month already entered: the month screen, a
school's list and a posyandu's list (GET, and the POST that saves them again) make as
many queries for one as for the other, and no more than a fixed ceiling.
``test_views.py`` checks the first month (nothing entered) at 5 and 50 families."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.forms import month_key
from commitments.models import VerificationEntry
from commitments.selectors.due import FACILITY, SCHOOL
from commitments.tests.factories import FacilityFactory, SchoolFactory, enrol
from conftest import login
from households.models import Member
from households.tests.factories import households_bulk

pytestmark = pytest.mark.django_db

MONTH_CEILING = 16  # as test_views.py's first-month check
SHEET_CEILING = 18
POST_CEILING = 20


def caseload(facilitator, village: str, *, families: int, schools: int, posyandu: int):
    """``families`` typical families of ``facilitator``, their SD children spread over
    ``schools`` schools and their toddlers over ``posyandu`` posyandu."""
    school_list = [SchoolFactory() for _ in range(schools)]
    facility_list = [FacilityFactory() for _ in range(posyandu)]
    households = households_bulk(families, facilitator=facilitator, village_code=village)
    members = Member.objects.filter(household__in=households).prefetch_related("components")
    for m in members.order_by("pk"):
        codes = {c.code for c in m.components.all()}
        if "SD" in codes:
            enrol(m, school_list[m.household_id % schools], by=facilitator)
        if "ANAK_USIA_DINI" in codes:
            enrol(m, facility_list[m.household_id % posyandu], by=facilitator)
    return school_list, facility_list


def sheet_url(month, kind, pk):
    return reverse("commitments:sheet", args=[month_key(month), kind, pk])


def form_data(response) -> dict:
    """What the browser submits for the list as the screen offers it (boxes ticked
    stay ticked), with a new ``client_token``."""
    data = {"client_token": str(uuid.uuid4())}
    for field in response.context["form"]:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data


def save(client, url) -> int:
    """GET the list, POST it back as shown; the POST's query count."""
    page = client.get(url)
    assert page.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, form_data(page))
    assert response.status_code == 302, response.content.decode()[:500]
    return len(ctx.captured_queries)


def counts(client, month, schools, posyandu) -> dict:
    """Enter every list of the month, then count the queries of each screen."""
    for kind, places in ((SCHOOL, schools), (FACILITY, posyandu)):
        for place in places:
            save(client, sheet_url(month, kind, place.pk))
    month_url = f"{reverse('commitments:month')}?bulan={month_key(month)}"
    out = {}
    for label, url in (
        ("month", month_url),
        ("school", sheet_url(month, SCHOOL, schools[-1].pk)),
        ("posyandu", sheet_url(month, FACILITY, posyandu[-1].pk)),
    ):
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out[label] = len(ctx.captured_queries)
    out["school POST"] = save(client, sheet_url(month, SCHOOL, schools[-1].pk))
    out["posyandu POST"] = save(client, sheet_url(month, FACILITY, posyandu[-1].pk))
    return out


def test_entered_month_screens_make_as_many_queries_for_40_families_as_for_2(
    client, facilitator, other_facilitator, month, django_assert_max_num_queries
):
    small = caseload(facilitator, "34.02.09.2001", families=2, schools=1, posyandu=1)
    large = caseload(other_facilitator, "34.02.09.2002", families=40, schools=5, posyandu=3)

    few = counts(login(client, facilitator), month, *small)
    client.logout()
    many = counts(login(client, other_facilitator), month, *large)

    entered = VerificationEntry.objects.filter(month=month)
    assert entered.filter(household__facilitator=facilitator).count() == 4
    assert entered.filter(household__facilitator=other_facilitator).count() == 80
    assert many == few
    month_url = f"{reverse('commitments:month')}?bulan={month_key(month)}"
    with django_assert_max_num_queries(MONTH_CEILING):
        response = client.get(month_url)
    assert response.context["due_count"] == response.context["entered_count"] == 80
    with django_assert_max_num_queries(SHEET_CEILING):
        response = client.get(sheet_url(month, SCHOOL, large[0][0].pk))
    assert all(row["item"].entry is not None for row in response.context["rows"])
    assert max(many["school POST"], many["posyandu POST"]) <= POST_CEILING

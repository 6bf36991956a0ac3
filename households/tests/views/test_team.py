"""The team overview and moving families between facilitators."""

import datetime

import pytest

from households.models import Household, HouseholdTransfer
from households.tests.factories import (
    HouseholdFactory,
    VisitFactory,
    household_with_members,
    households_bulk,
)
from households.tests.views.helpers import TODAY, url
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_team_overview_counts(client, supervisor, facilitator, other_facilitator):
    a1 = HouseholdFactory(facilitator=facilitator, last_visit_on=TODAY())
    HouseholdFactory(facilitator=facilitator)  # never visited
    HouseholdFactory(
        facilitator=other_facilitator, last_visit_on=TODAY() - datetime.timedelta(days=45)
    )
    VisitFactory(household=a1, date=TODAY())
    client.force_login(supervisor)
    rows = {r.facilitator.pk: r for r in client.get(url("team_overview")).context["rows"]}
    assert (rows[facilitator.pk].households, rows[facilitator.pk].no_visit) == (2, 1)
    assert rows[facilitator.pk].visits_this_month == 1
    assert (rows[other_facilitator.pk].households, rows[other_facilitator.pk].no_visit) == (1, 1)


def test_team_overview_is_not_for_facilitators(client, facilitator):
    client.force_login(facilitator)
    assert client.get(url("team_overview")).status_code == 403


def test_team_overview_query_count(client, supervisor, django_assert_max_num_queries):
    from accounts.tests.factories import FacilitatorFactory

    def add_facilitators(n):
        for _ in range(n):
            households_bulk(5, facilitator=FacilitatorFactory(supervisor=supervisor))

    add_facilitators(2)
    client.force_login(supervisor)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url("team_overview")).status_code == 200
    add_facilitators(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("team_overview")).status_code == 200


def test_team_overview_pages_through_facilitators_with_totals_over_all(
    client, admin_user, supervisor, settings
):
    """An admin's region can hold hundreds of facilitators: one page at a time, with the
    totals of every page in the footer."""
    from accounts.tests.factories import FacilitatorFactory

    settings.PKH_TEAM_OVERVIEW_PAGE_SIZE = 2
    village = Region.objects.get(code="34.02.09.2001")
    facilitators = [
        FacilitatorFactory(supervisor=supervisor, first_name=name, areas=[village])
        for name in "ABCDE"
    ]
    for n, facilitator in enumerate(facilitators, start=1):
        households_bulk(n, facilitator=facilitator)
    VisitFactory(household=Household.objects.filter(facilitator=facilitators[4]).first())
    client.force_login(admin_user)
    seen = []
    for number in (1, 2, 3):
        response = client.get(url("team_overview"), {"page": number})
        seen += [(r.facilitator.first_name, r.households) for r in response.context["rows"]]
        assert response.context["totals"] == {"households": 15, "no_visit": 15, "visits": 1}
    assert seen == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]
    html = response.content.decode()
    assert "Halaman 3 dari 3" in html and "Jumlah (5 pendamping)" in html
    # A page number that is not one gives a page, never an error.
    for bad in ("x", "0", "999"):
        response = client.get(url("team_overview"), {"page": bad})
        assert response.status_code == 200
        assert len(response.context["rows"]) in (1, 2)


def test_admin_moves_families_in_bulk(client, admin_user, facilitator, other_facilitator):
    households = [household_with_members(facilitator=facilitator) for _ in range(3)]
    client.force_login(admin_user)
    page = client.get(url("transfer") + f"?from_facilitator={facilitator.pk}")
    assert len(page.context["households"]) == 3
    response = client.post(
        url("transfer"),
        {
            "from_facilitator": facilitator.pk,
            "to_facilitator": other_facilitator.pk,
            "reason": "Pendamping cuti melahirkan",
            "households": [households[0].pk, households[1].pk],
        },
    )
    assert response.status_code == 302
    assert Household.objects.filter(facilitator=other_facilitator).count() == 2
    history = client.get(url("transfer_history")).content.decode()
    assert "Pendamping cuti melahirkan" in history and households[0].id_keluarga in history


def test_transfer_with_nothing_selected_is_an_error(
    client, admin_user, facilitator, other_facilitator
):
    HouseholdFactory(facilitator=facilitator)
    client.force_login(admin_user)
    response = client.post(
        url("transfer"),
        {"from_facilitator": facilitator.pk, "to_facilitator": other_facilitator.pk},
    )
    assert response.status_code == 200
    assert "Pilih minimal satu keluarga." in response.content.decode()
    assert not HouseholdTransfer.objects.exists()


def test_transfer_of_a_family_outside_the_region_is_refused(
    client, admin_user, facilitator, other_facilitator, other_region_village
):
    outside = HouseholdFactory(village=other_region_village)
    client.force_login(admin_user)
    response = client.post(
        url("transfer"),
        {
            "from_facilitator": facilitator.pk,
            "to_facilitator": other_facilitator.pk,
            "households": [outside.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    outside.refresh_from_db()
    assert outside.facilitator != other_facilitator


@pytest.mark.parametrize("role_fixture", ["facilitator", "supervisor"])
def test_transfer_is_admin_only(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(url("transfer")).status_code == 403


def test_transfer_history_is_scoped(
    client, admin_user, other_region_admin, facilitator, other_facilitator
):
    from households.services import households_transfer

    household = HouseholdFactory(facilitator=facilitator)
    households_transfer(households=[household.pk], to_facilitator=other_facilitator, by=admin_user)
    client.force_login(other_region_admin)
    assert household.id_keluarga not in client.get(url("transfer_history")).content.decode()

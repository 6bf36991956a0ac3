"""Follow-up visits on the home to-do list."""

import datetime

import pytest
from django.urls import reverse

from households.tests.factories import VisitFactory, household_with_members
from households.tests.views.helpers import TODAY, url

pytestmark = pytest.mark.django_db


def follow_ups(response):
    """The home page's follow-up visit items (other apps add their own kinds of to-do,
    e.g. the month's commitment verification for the same families)."""
    return [i for i in response.context["todo_items"] if i.kind == "visit_followup"]


def test_home_lists_due_follow_up_visits(client, facilitator, other_facilitator):
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    VisitFactory(household=mine, follow_up_date=TODAY() - datetime.timedelta(days=1))
    VisitFactory(household=theirs, follow_up_date=TODAY())
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    items = follow_ups(response)
    assert [i.url for i in items] == [url("detail", mine.pk)]
    assert items[0].overdue
    assert 'data-kind="visit_followup"' in response.content.decode()


def test_a_later_visit_clears_the_follow_up(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    VisitFactory(
        household=household,
        date=TODAY() - datetime.timedelta(days=10),
        follow_up_date=TODAY() - datetime.timedelta(days=1),
    )
    VisitFactory(household=household, date=TODAY())
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    assert follow_ups(response) == []

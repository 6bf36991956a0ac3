"""The supervisor's month page and the facilitator's commitment to-dos."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments import rules
from commitments.extensions import month_todo, visit_todo
from commitments.forms import month_key
from commitments.selectors.due import SCHOOL
from commitments.tests.test_consequences import record
from conftest import login
from households.models import Household

pytestmark = pytest.mark.django_db


def team_url(month):
    return f"{reverse('commitments:team')}?bulan={month_key(month)}"


def enter_school(client, family, month, school, *, unexcused):
    child = family.members.get(components__code="SD")
    prefix = f"m{child.pk}_SD_"
    data = {
        "school_days": 20,
        "client_token": str(uuid.uuid4()),
        f"{prefix}days_sick": 0,
        f"{prefix}days_excused": 0,
        f"{prefix}days_unexcused": unexcused,
    }
    url = reverse("commitments:sheet", args=[month_key(month), SCHOOL, school.pk])
    assert client.post(url, data).status_code == 302


def test_team_page_shows_completeness_and_compliance(
    client, family, facilitator, supervisor, month, school
):
    """One family: 2 commitments due (SD, toddler); the SD one entered and failed
    (15/20 days = 75 %): completeness 1 of 2 (50 %), SD compliance 0 %."""
    enter_school(login(client, facilitator), family, month, school, unexcused=5)
    response = login(client, supervisor).get(team_url(month))
    assert response.status_code == 200
    (row,) = [r for r in response.context["rows"] if r["facilitator"] == facilitator]
    assert (row["completeness"].entered, row["completeness"].due) == (1, 2)
    assert row["completeness"].percent == 50 and row["compliance"] == 0
    rates = {c.code: rate for c, rate in response.context["components"]}
    assert (rates["SD"].complies, rates["SD"].fails) == (0, 1)
    html = response.content.decode()
    assert f'data-facilitator="{facilitator.pk}"' in html


def test_a_supervisor_opens_a_facilitators_month_from_the_team_page(
    client, family, facilitator, supervisor, admin_user, month, school
):
    """The menu's "Komitmen" is a facilitator's entry; a supervisor reaches a
    facilitator's month (read-only) through their row on the team page."""
    enter_school(login(client, facilitator), family, month, school, unexcused=5)
    html = login(client, supervisor).get(team_url(month)).content.decode()
    link = (
        f"{reverse('commitments:month')}?bulan={month_key(month)}&amp;pendamping={facilitator.pk}"
    )
    assert f'href="{link}"' in html
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.context["facilitator_id"] == facilitator.pk
    assert response.context["entered_count"] == 1 and not response.context["can_enter"]
    # An admin's team page has no such link: the month page is not theirs (403).
    html = login(client, admin_user).get(team_url(month)).content.decode()
    assert "data-open-month" not in html
    assert client.get(link.replace("&amp;", "&")).status_code == 403


def test_team_page_refuses_facilitators(client, facilitator, month):
    assert login(client, facilitator).get(team_url(month)).status_code == 403


def test_another_team_sees_none_of_it(client, family, facilitator, other_supervisor, month, school):
    enter_school(login(client, facilitator), family, month, school, unexcused=0)
    response = login(client, other_supervisor).get(team_url(month))
    assert response.status_code == 200
    assert not [r for r in response.context["rows"] if r["facilitator"] == facilitator]
    assert all(rate.judged == 0 for _c, rate in response.context["components"])


@pytest.mark.parametrize("n", [5, 50])
def test_team_page_query_count_is_constant(
    client, facilitator, supervisor, many, month, n, django_assert_max_num_queries
):
    many(n)
    c = login(client, supervisor)
    c.get(team_url(month))
    with django_assert_max_num_queries(14):
        response = c.get(team_url(month))
    (row,) = [r for r in response.context["rows"] if r["facilitator"] == facilitator]
    assert row["completeness"].due == 2 * n


def test_month_todo_until_the_month_is_entered(client, family, facilitator, school, posyandu):
    today = timezone.localdate()
    last = rules.month_add(today.replace(day=1), -1)
    (item,) = month_todo(user=facilitator, today=today)
    assert "2 dari 2" in item.label and month_key(last) in item.url
    enter_school(login(client, facilitator), family, last, school, unexcused=0)
    (item,) = month_todo(user=facilitator, today=today)
    assert "1 dari 2" in item.label
    url = reverse("commitments:sheet", args=[month_key(last), "faskes", posyandu.pk])
    assert client.post(url, {"client_token": str(uuid.uuid4())}).status_code == 302
    assert month_todo(user=facilitator, today=today) == []


def test_month_todo_is_the_facilitators_own(family, supervisor, other_facilitator):
    today = timezone.localdate()
    assert month_todo(user=supervisor, today=today) == []
    assert month_todo(user=other_facilitator, today=today) == []


def test_home_visit_due_after_two_failed_months_in_a_row(family, facilitator, other_facilitator):
    today = timezone.localdate()
    this = today.replace(day=1)
    last, before = rules.month_add(this, -1), rules.month_add(this, -2)
    pupil = family.members.get(components__code="SD")
    record(pupil, "SD", before, fails=True)
    assert visit_todo(user=facilitator, today=today) == []  # one month only
    record(pupil, "SD", last, fails=True)
    (item,) = visit_todo(user=facilitator, today=today)
    assert "2 bulan" in item.label
    assert item.url == reverse("households:detail", args=[family.pk])
    assert visit_todo(user=other_facilitator, today=today) == []
    # A visit logged after the run's last month settles it.
    Household.objects.filter(pk=family.pk).update(last_visit_on=this)
    assert visit_todo(user=facilitator, today=today) == []


def test_a_complied_month_breaks_the_run(family, facilitator):
    today = timezone.localdate()
    this = today.replace(day=1)
    pupil = family.members.get(components__code="SD")
    record(pupil, "SD", rules.month_add(this, -3), fails=True)
    record(pupil, "SD", rules.month_add(this, -2), fails=False)
    record(pupil, "SD", rules.month_add(this, -1), fails=True)
    assert visit_todo(user=facilitator, today=today) == []

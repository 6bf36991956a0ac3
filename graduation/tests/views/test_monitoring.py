"""Monitoring pages."""

import pytest
from django.urls import reverse

from graduation.models import (
    MonitoringVisit,
)
from graduation.tests.views.helpers import TODAY, as_user, graduate, url
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


class TestMonitoringPages:
    def test_todo_and_record(self, client, facilitator, supervisor, household):
        graduation = graduate(household, supervisor, days_ago=95)
        visit = graduation.monitoring_visits.get(months_after=3)
        home = as_user(client, facilitator).get(reverse("home"))
        assert url("monitoring_record", visit.pk) in home.content.decode()
        assert 'data-kind="graduation_monitoring"' in home.content.decode()
        assert client.get(url("monitoring_record", visit.pk)).status_code == 200
        response = client.post(
            url("monitoring_record", visit.pk),
            {"done_on": TODAY().isoformat(), "outcome": "self_reliant", "note": "Usaha jalan"},
        )
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.outcome == "self_reliant"
        home = client.get(reverse("home"))
        assert url("monitoring_record", visit.pk) not in home.content.decode()

    def test_the_monitoring_todo_is_only_the_facilitators(self, supervisor, household):
        from graduation.extensions import monitoring_visits

        graduation = graduate(household, supervisor, days_ago=95)
        assert graduation.monitoring_visits.filter(due_on__lte=TODAY()).exists()
        assert monitoring_visits(user=household.facilitator, today=TODAY())
        assert monitoring_visits(user=supervisor, today=TODAY()) == []

    def test_bad_input_and_wrong_user(
        self, client, facilitator, supervisor, other_facilitator, household
    ):
        graduation = graduate(household, supervisor)
        visit = graduation.monitoring_visits.get(months_after=3)
        response = as_user(client, facilitator).post(
            url("monitoring_record", visit.pk), {"done_on": TODAY().isoformat(), "outcome": "maybe"}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert (
            as_user(client, other_facilitator).get(url("monitoring_record", visit.pk)).status_code
            == 404
        )
        assert (
            as_user(client, supervisor).get(url("monitoring_record", visit.pk)).status_code == 403
        )
        visit.refresh_from_db()
        assert visit.done_on is None

    def test_list_query_count_constant(
        self, client, facilitator, supervisor, django_assert_max_num_queries
    ):
        graduate(household_with_members(facilitator=facilitator), supervisor)
        as_user(client, facilitator)
        with django_assert_max_num_queries(10):
            client.get(url("monitoring_list"))
        for _ in range(3):
            graduate(household_with_members(facilitator=facilitator), supervisor)
        with django_assert_max_num_queries(10):
            response = client.get(url("monitoring_list"))
        assert response.context["page"].paginator.count == 12
        assert MonitoringVisit.objects.count() == 12

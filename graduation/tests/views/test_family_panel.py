"""The graduation panel on the family page."""

import pytest
from django.urls import reverse

from graduation.services import pipeline as pipeline_services
from graduation.tests.factories import (
    assess,
)
from graduation.tests.views.helpers import as_user, submit, url

pytestmark = pytest.mark.django_db


class TestFamilyPanel:
    def test_panel_shows_readiness_and_stage(self, client, household, facilitator):
        assess(household)
        pipeline_services.pipeline_add(household=household, by=facilitator)
        response = as_user(client, facilitator).get(
            reverse("households:detail", args=[household.pk])
        )
        html = response.content.decode()
        assert 'data-panel="graduation/_family_panel.html"' in html
        assert "Siap graduasi mandiri" in html
        assert "Ditargetkan" in html
        # Aid coverage and FDS attendance stand beside readiness.
        assert "Cakupan bansos" in html and "Kehadiran P2K2" in html

    def test_panel_for_the_supervisor_and_constant_queries(
        self, client, household, facilitator, supervisor, django_assert_max_num_queries
    ):
        assess(household)
        page = reverse("households:detail", args=[household.pk])
        as_user(client, supervisor)
        # 43: the commitments panel's benefit reduction reads one query per judged quarter
        # of the year (at most three: the fourth is judged in the next year).
        with django_assert_max_num_queries(43) as first:
            html = client.get(page).content.decode()
        assert "Siap graduasi mandiri" in html
        assert url("assessment_create", household.pk) not in html  # only the facilitator
        for days in (20, 40, 60):
            assess(household, days_ago=days)
        pipeline_services.pipeline_add(household=household, by=facilitator)
        submit(household)
        with django_assert_max_num_queries(len(first.captured_queries)):
            html = client.get(page).content.decode()
        assert "Menunggu keputusan supervisor" in html

    def test_registered_fact_is_shown(self, client, household, facilitator, monkeypatch):
        from pkh import extensions

        def attendance(*, household, user):
            return extensions.ReadinessFact(label="Kehadiran P2K2", value="9 dari 10 sesi")

        point = extensions.readiness_facts
        monkeypatch.setattr(point, "order", (*point.order, "test_fact"))
        monkeypatch.setitem(point.contributions, "test_fact", attendance)
        html = (
            as_user(client, facilitator)
            .get(reverse("households:detail", args=[household.pk]))
            .content.decode()
        )
        assert "9 dari 10 sesi" in html

    def test_aid_coverage_and_attendance_beside_readiness(self, client, household, facilitator):
        from assistance.models import AidEnrolment, AidStatus

        enrolments = AidEnrolment.objects.filter(household=household).exclude(
            status=AidStatus.NOT_ELIGIBLE
        )
        total = enrolments.count()
        assert total > 1
        enrolments.filter(pk=enrolments.first().pk).update(status=AidStatus.RECEIVING)
        html = (
            as_user(client, facilitator)
            .get(reverse("households:detail", args=[household.pk]))
            .content.decode()
        )
        assert f"1 dari {total} bantuan yang layak sudah diterima" in html
        assert "belum ada pertemuan dalam 12 bulan" in html

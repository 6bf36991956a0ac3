"""Assessment pages through the test client, and the family header on the forms."""

import pytest

from graduation.models import (
    GraduationAssessment,
)
from graduation.selectors import assessment_forms as form_selectors
from graduation.services import assessment_forms as form_services
from graduation.tests.factories import (
    assess,
)
from graduation.tests.views.helpers import TODAY, as_user, full_answers, submit, url

pytestmark = pytest.mark.django_db


class TestAssessmentPages:
    def test_form_renders_every_indicator(self, client, facilitator, household):
        response = as_user(client, facilitator).get(url("assessment_create", household.pk))
        assert response.status_code == 200
        form = form_selectors.form_current()
        for indicator in form.indicators.all():
            assert indicator.text in response.content.decode()

    def test_submit(self, client, facilitator, household):
        data = {**full_answers(), "assessed_on": TODAY().isoformat(), "notes": "Rumah baru"}
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assessment = GraduationAssessment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("assessment_detail", assessment.pk)
        assert assessment.score_pct == 100
        page = client.get(response["Location"])
        assert "100%" in page.content.decode()
        assert "Siap graduasi mandiri" in page.content.decode()

    def test_the_same_form_posted_twice_is_one_assessment(self, client, facilitator, household):
        """A double tap or back-and-resubmit sends the form's token again (issue 19)."""
        form = as_user(client, facilitator).get(url("assessment_create", household.pk))
        token = form.context["form"]["client_token"].value()
        assert f'value="{token}"' in form.content.decode()
        data = {**full_answers(), "assessed_on": TODAY().isoformat(), "client_token": str(token)}
        first = client.post(url("assessment_create", household.pk), data)
        second = client.post(url("assessment_create", household.pk), data, follow=True)
        assessment = GraduationAssessment.objects.get()
        assert first.status_code == 302
        assert first["Location"] == url("assessment_detail", assessment.pk)
        assert second.redirect_chain == [(url("assessment_detail", assessment.pk), 302)]
        assert "sudah tersimpan" in second.content.decode()
        assert str(assessment.client_token) == str(token)
        # A new form (a new token) is a new assessment.
        fresh = client.get(url("assessment_create", household.pk)).context["form"]
        data["client_token"] = str(fresh["client_token"].value())
        client.post(url("assessment_create", household.pk), data)
        assert GraduationAssessment.objects.count() == 2

    def test_unanswered_indicators_refused(self, client, facilitator, household):
        data = full_answers()
        dropped = sorted(data)[:2]
        for key in dropped:
            del data[key]
        data["assessed_on"] = TODAY().isoformat()
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assert response.status_code == 200
        assert response.content.decode().count("Indikator ini wajib dijawab.") == 2
        assert not GraduationAssessment.objects.exists()

    def test_garbage_answer_refused(self, client, facilitator, household):
        data = {**full_answers(), "assessed_on": "31-31-2025"}
        first = next(iter(data))
        data[first] = "abc"
        response = as_user(client, facilitator).post(url("assessment_create", household.pk), data)
        assert response.status_code == 200
        assert not GraduationAssessment.objects.exists()

    def test_wrong_user(self, client, household, other_facilitator, supervisor, admin_user):
        assert (
            as_user(client, other_facilitator)
            .get(url("assessment_create", household.pk))
            .status_code
            == 404
        )
        for user in (supervisor, admin_user):
            assert (
                as_user(client, user).get(url("assessment_create", household.pk)).status_code == 403
            )

    def test_history_side_by_side(self, client, household, supervisor, other_supervisor):
        assess(household, profile=0, days_ago=300)
        assess(household, profile=5, days_ago=10)
        response = as_user(client, supervisor).get(url("assessment_history", household.pk))
        assert response.status_code == 200
        html = response.content.decode()
        assert "0%" in html and "100%" in html
        assert "Tanah atau bambu" in html and "Keramik, ubin atau kayu baik" in html
        assert (
            as_user(client, other_supervisor)
            .get(url("assessment_history", household.pk))
            .status_code
            == 404
        )

    def test_history_lines_up_versions(self, client, household, facilitator, catalogue_keeper):
        assess(household, days_ago=30)
        form = form_selectors.form_current()
        indicator = form.indicators.get(key="lantai")
        form_services.indicator_save(
            form=form,
            by=catalogue_keeper,
            indicator=indicator,
            group=indicator.group,
            text="Lantai rumah (baru)",
            options=[("Tanah", 0), ("Keramik", 2)],
        )
        assess(household, days_ago=1)
        response = as_user(client, facilitator).get(url("assessment_history", household.pk))
        rows = response.context["rows"]
        floor = [r for r in rows if r.text == "Lantai rumah (baru)"]
        assert len(floor) == 1 and all(cell is not None for cell in floor[0].cells)

    def test_history_query_count_constant(
        self, client, household, facilitator, django_assert_max_num_queries
    ):
        assess(household, days_ago=5)
        as_user(client, facilitator)
        with django_assert_max_num_queries(12):
            client.get(url("assessment_history", household.pk))
        for days in (10, 20, 30, 40, 50):
            assess(household, days_ago=days)
        with django_assert_max_num_queries(12):
            client.get(url("assessment_history", household.pk))

    def test_detail_scoped(self, client, household, other_facilitator, facilitator):
        assessment = assess(household)
        assert (
            as_user(client, facilitator).get(url("assessment_detail", assessment.pk)).status_code
            == 200
        )
        assert (
            as_user(client, other_facilitator)
            .get(url("assessment_detail", assessment.pk))
            .status_code
            == 404
        )


# --- the family header (issue 19) ----------------------------------------------------


def _assert_family_header(response, household, status=200):
    """Who the page is about: the pengurus' name, the village and the components."""
    html = response.content.decode()
    assert response.status_code == status
    assert "data-family-header" in html
    assert household.members.get(is_pengurus=True).name in html
    assert "Patalan" in html
    assert "Anak SD/sederajat" in html and "Anak usia dini (0-6 tahun)" in html


def test_assessment_and_proposal_pages_show_the_family(client, facilitator, supervisor, household):
    as_user(client, facilitator)
    _assert_family_header(client.get(url("assessment_create", household.pk)), household)
    assess(household)
    _assert_family_header(client.get(url("proposal_create", household.pk)), household)
    proposal = submit(household)
    as_user(client, supervisor)
    _assert_family_header(client.get(url("proposal_detail", proposal.pk)), household)
    # A refused decision shows the page again, still with the family.
    response = client.post(url("proposal_decide", proposal.pk), {"decision": "approve"})
    _assert_family_header(response, household, status=400)

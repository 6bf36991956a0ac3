"""Dates out of their window and over-long notes on the graduation screens: a field error
each, and nothing written (issue 19)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from graduation.models import GraduationAssessment, Objection
from graduation.selectors.assessment_forms import form_current
from graduation.services.assessments import answer_field
from graduation.tests.factories import answers_for
from pkh.forms import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def assessment_data(**changes):
    form = form_current()
    answers = {answer_field(pk): option for pk, option in answers_for(form, 5).items()}
    return {**answers, "assessed_on": TODAY().isoformat(), "notes": "Rumah baru", **changes}


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("assessed_on", "1899-12-31", "sebelum 1 Januari 2007"),
        ("assessed_on", "0001-01-01", "sebelum 1 Januari 2007"),
        ("notes", "x" * 100_000, f"paling banyak {TEXT_MAX_LENGTH} karakter"),
    ],
)
def test_an_assessment_out_of_bounds_gets_a_field_error_and_saves_nothing(
    client, facilitator, household, field, value, message
):
    client.force_login(facilitator)
    response = client.post(
        reverse("graduation:assessment_create", args=[household.pk]),
        assessment_data(**{field: value}),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.context["form"].errors[field][0]
    assert not GraduationAssessment.objects.exists()


def test_an_objection_answer_over_the_limit_saves_nothing(client, supervisor):
    before = Objection.objects.count()
    client.force_login(supervisor)
    response = client.post(
        reverse("graduation:objection_create"),
        {"argument": "Takut tidak dapat bantuan lagi", "answer": "x" * (TEXT_MAX_LENGTH + 1)},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["answer"]
    assert Objection.objects.count() == before

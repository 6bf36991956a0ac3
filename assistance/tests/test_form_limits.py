"""Dates out of their window and over-long text on the aid and case screens: a field error
each, and nothing written (issue 19)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import AdvocacyCase
from conftest import login
from pkh.forms import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db


def case_data(**changes):
    return {
        "kind": "kks_pin",
        "opened_on": timezone.localdate().isoformat(),
        "status": "terbuka",
        **changes,
    }


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("opened_on", "0001-01-01", "sebelum 1 Januari 2007"),
        ("taken_on", "1899-12-31", "sebelum 1 Januari 2007"),
        ("next_step_due", "2999-01-01", "paling lambat"),
        ("description", "x" * 100_000, f"paling banyak {TEXT_MAX_LENGTH} karakter"),
        ("next_step", "x" * 201, "200"),
    ],
)
def test_a_case_out_of_bounds_gets_a_field_error_and_saves_nothing(
    client, family, facilitator, field, value, message
):
    response = login(client, facilitator).post(
        reverse("assistance:case_open", args=[family.pk]), case_data(**{field: value})
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.context["form"].errors[field][0]
    assert not AdvocacyCase.objects.exists()

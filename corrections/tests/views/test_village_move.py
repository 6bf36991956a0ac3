"""A family that moved village, through the HTTP stack."""

import pytest

from corrections.models import Correction
from corrections.tests.factories import family
from corrections.tests.views.helpers import url

pytestmark = pytest.mark.django_db


def test_village_move_approved_by_the_supervisor(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    form = client.get(url("propose_village", household.pk)).context["form"]
    codes = [v.pk for v in form.fields["village"].queryset]
    assert "34.02.09.2002" in codes and household.village_id not in codes
    assert "33.74.01.1001" not in codes  # another regency
    response = client.post(
        url("propose_village", household.pk),
        {"village": "33.74.01.1001", "document": "surat_pindah"},
    )
    assert response.context["form"].errors["village"]
    client.post(
        url("propose_village", household.pk),
        {
            "village": "34.02.09.2002",
            "address": "Dusun Gaten",
            "rt": "4",
            "rw": "2",
            "document": "surat_pindah",
        },
    )
    correction = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    household.refresh_from_db()
    assert (household.village_id, household.address, household.rt) == (
        "34.02.09.2002",
        "Dusun Gaten",
        "4",
    )

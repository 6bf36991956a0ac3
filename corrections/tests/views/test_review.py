"""Returning a correction with a reason, the to-do it leaves, and one decision only."""

import pytest
from django.urls import reverse

from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import family
from corrections.tests.views.helpers import propose_baby, url

pytestmark = pytest.mark.django_db


def test_supervisor_returns_with_a_reason_and_the_facilitator_sees_it_to_do(
    client, facilitator, supervisor, notified
):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()

    client.force_login(supervisor)
    home = client.get(reverse("home")).content.decode()
    assert "Koreksi data menunggu keputusan" in home
    response = client.post(url("return", correction.pk), {"reason": ""})
    assert response.status_code == 400
    assert response.context["return_form"].errors["reason"]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    client.post(url("return", correction.pk), {"reason": "Akta lahir belum terbaca."})
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.RETURNED
    assert notified[-1][:2] == (facilitator, "correction_returned")
    assert household.members.count() == 4

    client.force_login(facilitator)
    home = client.get(reverse("home")).content.decode()
    assert "Koreksi data dikembalikan" in home
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Akta lahir belum terbaca." in page
    client.post(url("withdraw", correction.pk))
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.WITHDRAWN
    assert "Koreksi data dikembalikan" not in client.get(reverse("home")).content.decode()


def test_a_decided_correction_cannot_be_decided_again(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    correction = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    response = client.post(url("approve", correction.pk), follow=True)
    assert "sudah diputuskan" in response.content.decode()
    assert household.members.count() == 5

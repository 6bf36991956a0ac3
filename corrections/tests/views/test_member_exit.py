"""A member who left, through the HTTP stack."""

import datetime

import pytest

from corrections.models import Correction
from corrections.tests.factories import child_of, family
from corrections.tests.views.helpers import TODAY, url

pytestmark = pytest.mark.django_db


def test_member_leaving_is_applied_only_when_approved(client, facilitator, supervisor):
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    left = (TODAY() - datetime.timedelta(days=5)).isoformat()
    response = client.post(
        url("propose_member_leave", household.pk, child.pk),
        {"event": "menikah_keluar", "left_on": left, "document": "buku_nikah"},
    )
    correction = Correction.objects.get()
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.left_on is None
    client.force_login(supervisor)
    client.post(url("approve", correction.pk))
    child.refresh_from_db()
    assert (child.left_on.isoformat(), child.left_reason) == (left, "pindah")


def test_the_pengurus_cannot_be_proposed_as_leaving(client, facilitator):
    household, _ = family(facilitator)
    pengurus = household.members.get(is_pengurus=True)
    client.force_login(facilitator)
    response = client.post(
        url("propose_member_leave", household.pk, pengurus.pk),
        {"event": "kematian", "left_on": TODAY().isoformat(), "document": "akta_kematian"},
    )
    assert response.status_code == 200
    assert "pengurus" in " ".join(response.context["form"].non_field_errors())
    assert not Correction.objects.exists()


def test_leaving_before_birth_is_a_field_error(client, facilitator):
    household, _ = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    response = client.post(
        url("propose_member_leave", household.pk, child.pk),
        {"event": "pindah", "left_on": "2010-01-01", "document": "surat_pindah"},
    )
    assert "sebelum tanggal lahir" in response.context["form"].errors["left_on"][0]
    assert not Correction.objects.exists()

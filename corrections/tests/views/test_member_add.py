"""Proposing a new member (a birth) and its approval, through the HTTP stack."""

import datetime

import pytest

from corrections.models import Correction, CorrectionKind, CorrectionStatus
from corrections.tests.factories import family
from corrections.tests.views.helpers import TODAY, propose_baby, url

pytestmark = pytest.mark.django_db


def test_facilitator_proposes_a_baby_and_the_supervisor_approves(
    client, facilitator, supervisor, notified
):
    household, _members = family(facilitator)
    client.force_login(facilitator)
    assert client.get(url("propose_member_add", household.pk)).status_code == 200
    response = propose_baby(client, household)
    correction = Correction.objects.get()
    assert response.status_code == 302 and response.url == url("detail", correction.pk)
    assert correction.status == CorrectionStatus.PENDING
    assert correction.kind == CorrectionKind.MEMBER_ADD and correction.event == "kelahiran"
    assert correction.new_values["name"] == "Aisyah Rahmawati"
    assert correction.new_values["components"] == ["ANAK_USIA_DINI"]
    assert correction.fingerprint
    # Not in the registry yet.
    assert household.members.count() == 4
    assert notified[-1][:2] == (supervisor, "correction_waiting")
    assert "Aisyah" not in notified[-1][2]  # no names in a notification

    client.force_login(supervisor)
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Setujui dan terapkan" in page and "Aisyah Rahmawati" in page
    response = client.post(url("approve", correction.pk), follow=True)
    assert "Koreksi disetujui" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert correction.decided_by == supervisor
    member = household.members.get(name="Aisyah Rahmawati")
    assert correction.member == member
    assert list(member.components.values_list("code", flat=True)) == ["ANAK_USIA_DINI"]
    # Audited as any edit, with the approver as the author.
    assert member.history.first().history_user == supervisor
    assert notified[-1][:2] == (facilitator, "correction_approved")


def test_bad_new_member_gets_field_errors_and_nothing_is_written(client, facilitator):
    household, members = family(facilitator)
    client.force_login(facilitator)
    response = propose_baby(client, household, nik="34020912345", name="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "NIK harus tepat 16 angka." in errors["nik"]
    assert "name" in errors
    response = propose_baby(client, household, nik=members[0].nik)
    assert "NIK ini sudah terdaftar." in response.context["form"].errors["nik"]
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = propose_baby(client, household, birth_date=future)
    assert response.context["form"].errors["birth_date"]
    response = propose_baby(client, household, event="kematian")
    assert response.context["form"].errors["event"]
    assert not Correction.objects.exists()


def test_a_double_submit_proposes_once(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    token = "6f1c1c1e-9a43-4f7f-bf84-2c1b0c1d2e3f"
    propose_baby(client, household, client_token=token)
    response = propose_baby(client, household, client_token=token)
    assert Correction.objects.count() == 1
    assert response.status_code == 302
    assert response.url == url("detail", Correction.objects.get().pk)


def test_the_same_new_nik_cannot_wait_twice(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)
    response = propose_baby(client, household)
    assert "sudah diusulkan" in response.context["form"].errors["nik"][0]
    assert Correction.objects.count() == 1

"""Identity corrections (NIK, No. KK), decided by the admin, through the HTTP stack."""

import pytest

from corrections.models import Correction, CorrectionStatus
from corrections.tests.factories import child_of, family, png_upload
from corrections.tests.views.helpers import url
from households.tests.factories import make_nik

pytestmark = pytest.mark.django_db


def propose_identity(client, household, member, **values):
    data = {
        "name": member.name,
        "nik": member.nik,
        "birth_date": member.birth_date.isoformat(),
        "document": "ktp",
    }
    data.update(values)
    return client.post(url("propose_member_identity", household.pk, member.pk), data)


def test_identity_correction_needs_the_admin(client, facilitator, supervisor, admin_user):
    household, _ = family(facilitator)
    child = child_of(household)
    new_nik = make_nik(region6="340209", birth_date=child.birth_date, sex=child.sex, serial=4321)
    client.force_login(facilitator)
    propose_identity(
        client, household, child, name="Bagus Saputra", nik=new_nik, photo=png_upload()
    )
    correction = Correction.objects.get()
    assert correction.new_values == {"name": "Bagus Saputra", "nik": new_nik}
    assert correction.old_values == {"name": child.name, "nik": child.nik}
    assert correction.photo

    # The supervisor may not approve an identity correction: 403, nothing written.
    client.force_login(supervisor)
    page = client.get(url("detail", correction.pk)).content.decode()
    assert "Setujui dan terapkan" not in page
    assert client.post(url("approve", correction.pk)).status_code == 403
    assert client.post(url("return", correction.pk), {"reason": "x"}).status_code == 403
    correction.refresh_from_db()
    child.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert child.name != "Bagus Saputra"

    client.force_login(admin_user)
    client.post(url("approve", correction.pk))
    child.refresh_from_db()
    assert (child.name, child.nik) == ("Bagus Saputra", new_nik)
    assert child.history.first().history_user == admin_user


def test_identity_service_refuses_a_supervisor(facilitator, supervisor):
    from django.core.exceptions import ValidationError

    from corrections import services

    household, _ = family(facilitator)
    child = child_of(household)
    correction, _ = services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    with pytest.raises(ValidationError, match="hanya dapat diputuskan oleh admin"):
        services.correction_approve(correction=correction, by=supervisor)
    child.refresh_from_db()
    assert child.name != "Bagus Saputra"


def test_identity_with_nothing_changed_or_a_taken_nik_is_refused(client, facilitator):
    household, members = family(facilitator)
    child = child_of(household)
    client.force_login(facilitator)
    response = propose_identity(client, household, child)
    assert "Tidak ada data yang berubah" in " ".join(response.context["form"].non_field_errors())
    other = next(m for m in members if m.pk != child.pk)
    response = propose_identity(client, household, child, nik=other.nik)
    assert "sudah terdaftar" in response.context["form"].errors["nik"][0]
    response = propose_identity(client, household, child, nik="12ab")
    assert response.context["form"].errors["nik"]
    assert not Correction.objects.exists()


def test_no_kk_correction_approved_by_the_admin(client, facilitator, admin_user):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("propose_no_kk", household.pk), {"no_kk": "3402091203150007", "document": "kk"}
    )
    assert response.status_code == 302
    response = client.post(url("propose_no_kk", household.pk), {"no_kk": "34020", "document": "kk"})
    assert response.context["form"].errors["no_kk"] == ["No. KK harus tepat 16 angka."]
    correction = Correction.objects.get()
    client.force_login(admin_user)
    client.post(url("approve", correction.pk))
    household.refresh_from_db()
    assert household.no_kk == "3402091203150007"
    assert household.history.first().history_user == admin_user

"""The resource directory and the aid catalogue pages."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import Aid, Resource
from assistance.tests.factories import ResourceFactory
from conftest import login
from regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_supervisor_adds_a_resource(client, supervisor):
    jetis = Region.objects.get(code="34.02.09")
    response = login(client, supervisor).post(
        reverse("assistance:resource_create"),
        {
            "name": "Puskesmas Jetis I",
            "kind": "puskesmas",
            "area": jetis.pk,
            "phone": "0274-6990002",
            "aids": ["KIS"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.area == jetis and list(resource.aids.values_list("code", flat=True)) == ["KIS"]
    html = client.get(reverse("assistance:resources")).content.decode()
    assert (
        "Puskesmas Jetis I" in html
        and reverse("assistance:resource_edit", args=[resource.pk]) in html
    )


def test_resource_area_outside_the_users_region_is_refused(
    client, supervisor, other_region_village
):
    response = login(client, supervisor).post(
        reverse("assistance:resource_create"),
        {
            "name": "Dinsos Semarang",
            "kind": "dinsos",
            "area": other_region_village.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_resource_permissions(
    client, facilitator, other_region_admin, admin_user, django_assert_max_num_queries
):
    resource = ResourceFactory()
    edit = reverse("assistance:resource_edit", args=[resource.pk])
    assert login(client, facilitator).get(reverse("assistance:resource_create")).status_code == 403
    assert client.get(edit).status_code == 403
    assert login(client, other_region_admin).get(edit).status_code == 404
    assert login(client, admin_user).get(edit).status_code == 200
    client.get(reverse("assistance:resources"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("assistance:resources"))
    for i in range(10):
        ResourceFactory(name=f"Sekolah {i}", kind="sekolah", aids=Aid.objects.filter(code="KIP"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("assistance:resources"))
    assert len(response.context["page"].object_list) == 11


# ---------------------------------------------------------------- catalogue


def test_catalogue_is_readable_by_all_and_editable_by_the_national_keeper(
    client, facilitator, admin_user, catalogue_keeper
):
    html = login(client, facilitator).get(reverse("assistance:catalogue")).content.decode()
    assert "Permendikbudristek" in html and "NISN" in html
    assert client.get(reverse("assistance:aid_edit", args=["KIP"])).status_code == 403
    # The catalogue is national: a regency's admin reads it but does not change it.
    assert login(client, admin_user).get(reverse("assistance:catalogue")).status_code == 200
    assert client.get(reverse("assistance:aid_edit", args=["KIP"])).status_code == 403
    client = login(client, catalogue_keeper)
    response = client.get(reverse("assistance:aid_edit", args=["KIS"]))
    assert response.status_code == 200
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None}
    data.update({"summary": "Ringkasan baru.", "is_active": "on", "card_pattern": "(["})
    data["components"] = []
    response = client.post(reverse("assistance:aid_edit", args=["KIS"]), data)
    assert response.status_code == 200 and "Format (regex) tidak sah" in response.content.decode()
    assert Aid.objects.get(code="KIS").summary != "Ringkasan baru."
    data["card_pattern"] = r"\d{13}"
    response = client.post(reverse("assistance:aid_edit", args=["KIS"]), data)
    assert response.status_code == 302
    assert Aid.objects.get(code="KIS").summary == "Ringkasan baru."


def test_catalogue_and_resources_name_components_and_aids_not_codes(client, supervisor):
    """Issue 19: the catalogue listed components as ``IBU_HAMIL, ANAK_USIA_DINI``, the
    resource directory its aids as ``KIP``, ``SEMBAKO``."""
    from households.models import Component
    from pkh.testing import visible_text

    ResourceFactory(aids=Aid.objects.filter(code__in=["KIP", "SEMBAKO"]))
    Aid.objects.get(code="KIS").components.set(
        Component.objects.filter(code__in=["IBU_HAMIL", "ANAK_USIA_DINI"])
    )
    client = login(client, supervisor)
    catalogue = visible_text(client.get(reverse("assistance:catalogue")).content.decode())
    assert "Ibu hamil/nifas" in catalogue and "Anak usia dini (0-6 tahun)" in catalogue
    assert "IBU_HAMIL" not in catalogue and "ANAK_USIA_DINI" not in catalogue
    assert "Anak SD/sederajat" in catalogue
    resources = visible_text(client.get(reverse("assistance:resources")).content.decode())
    assert "KIP/PIP (Kartu Indonesia Pintar)" in resources
    assert "SEMBAKO" not in resources

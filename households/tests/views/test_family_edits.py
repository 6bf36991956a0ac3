"""Editing a family's contact data and status, adding members and their leaving."""

import pytest

from households.models import Household
from households.tests.factories import HouseholdFactory, household_with_members
from households.tests.views.helpers import TODAY, url

pytestmark = pytest.mark.django_db


def test_edit_household_contact(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("edit", household.pk),
        {"address": "Dusun Kertan", "rt": "010", "rw": "5", "phone": "085066462189"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.rt, household.phone) == ("010", "085066462189")


@pytest.mark.parametrize(
    "data,field",
    [
        ({"rt": "1234"}, "rt"),
        ({"phone": "telepon saya"}, "phone"),
        ({"welfare_decile": "11"}, "welfare_decile"),
        ({"year_joined": "2099"}, "year_joined"),
    ],
)
def test_bad_household_input(client, facilitator, data, field):
    household = HouseholdFactory(facilitator=facilitator)
    before = Household.objects.values().get(pk=household.pk)
    client.force_login(facilitator)
    response = client.post(url("edit", household.pk), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Household.objects.values().get(pk=household.pk) == before


def test_admin_changes_status_with_reason(client, admin_user, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(admin_user)
    base = {"address": household.address, "rt": household.rt, "rw": household.rw}
    response = client.post(url("edit", household.pk), {**base, "status": "suspended"})
    assert response.status_code == 200
    assert "status_date" in response.context["form"].errors
    response = client.post(
        url("edit", household.pk),
        {
            **base,
            "status": "suspended",
            "status_date": TODAY().isoformat(),
            "status_reason": "Anak tidak sekolah 3 bulan",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "suspended"


def test_supervisor_cannot_edit_households(client, supervisor, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(supervisor)
    assert client.get(url("edit", household.pk)).status_code == 403


def test_add_member_with_nik_warning(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("member_create", household.pk),
        {
            "nik": "3402095505200001",  # says 15-05-2020, girl
            "name": "Nur Prasetyo",
            "sex": "P",
            "birth_date": "2020-05-16",
            "relationship": "ANAK",
            "components": ["ANAK_USIA_DINI"],
        },
        follow=True,
    )
    assert household.members.get().name == "Nur Prasetyo"
    assert "Tanggal lahir di NIK" in response.content.decode()


@pytest.mark.parametrize(
    "nik,birth",
    [
        ("3.40209555052E+15", "2020-05-15"),
        ("340209555052000", "2020-05-15"),
        ("3402095505200001", "2099-01-01"),
    ],
)
def test_add_member_bad_input_saves_nothing(client, facilitator, nik, birth):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("member_create", household.pk),
        {"nik": nik, "name": "Nur", "sex": "P", "birth_date": birth, "relationship": "ANAK"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not household.members.exists()


def test_member_leaving_needs_a_reason(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    elder = household.members.get(relationship="KEPALA_KELUARGA")
    client.force_login(facilitator)
    data = {
        "name": elder.name,
        "sex": elder.sex,
        "birth_date": elder.birth_date.isoformat(),
        "relationship": elder.relationship,
        "left_on": TODAY().isoformat(),
    }
    response = client.post(url("member_edit", household.pk, elder.pk), data)
    assert response.status_code == 200 and "left_reason" in response.context["form"].errors
    response = client.post(
        url("member_edit", household.pk, elder.pk), {**data, "left_reason": "meninggal"}
    )
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.left_on == TODAY()

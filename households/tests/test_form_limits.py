"""Dates out of their window and over-long notes on the family screens: a field error each,
and nothing written (issue 19)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Member, Visit
from households.tests.factories import HouseholdFactory, VisitFactory, household_with_members
from pkh.forms import TEXT_MAX_LENGTH

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"households:{name}", args=args)


def visit_data(**changes):
    return {"date": TODAY().isoformat(), "purpose": "verifikasi", **changes}


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date", "0001-01-01", "sebelum 1 Januari 2007"),
        ("date", "2006-12-31", "sebelum 1 Januari 2007"),
        ("follow_up_date", "2999-01-01", "paling lambat"),
        ("notes", "x" * 100_000, f"paling banyak {TEXT_MAX_LENGTH} karakter"),
    ],
)
def test_a_visit_out_of_bounds_gets_a_field_error_and_saves_nothing(
    client, facilitator, field, value, message
):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(url("visit_create", household.pk), visit_data(**{field: value}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.context["form"].errors[field][0]
    assert not Visit.objects.exists()


def test_a_visit_edit_cannot_move_the_follow_up_far_ahead(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    visit = VisitFactory(household=household, date=TODAY())
    client.force_login(facilitator)
    response = client.post(
        url("visit_edit", visit.pk), visit_data(follow_up_date="2999-01-01", notes="Tindak lanjut")
    )
    assert response.status_code == 200
    assert "follow_up_date" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.follow_up_date is None and visit.notes != "Tindak lanjut"


def test_a_late_visit_may_have_its_follow_up_already_due(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    ten_days_ago = TODAY() - datetime.timedelta(days=10)
    data = visit_data(
        date=ten_days_ago.isoformat(),
        follow_up_date=(ten_days_ago + datetime.timedelta(days=3)).isoformat(),
        notes="Baris satu\r\nbaris dua",
    )
    response = client.post(url("visit_create", household.pk), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.notes == "Baris satu\nbaris dua"


def test_a_note_of_exactly_the_limit_with_crlf_breaks_is_stored(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    lines = ["x" * 99] * (TEXT_MAX_LENGTH // 100)
    lines[-1] = "x" * 100  # 50 lines, 49 breaks: exactly TEXT_MAX_LENGTH with LF
    response = client.post(url("visit_create", household.pk), visit_data(notes="\r\n".join(lines)))
    assert response.status_code == 302
    assert len(Visit.objects.get().notes) == TEXT_MAX_LENGTH


def member_data(**changes):
    return {
        "nik": "3402095505200001",
        "name": "Nur Prasetyo",
        "sex": "P",
        "birth_date": "2020-05-15",
        "relationship": "ANAK",
        **changes,
    }


@pytest.mark.parametrize("birth", ["0001-01-01", "1899-12-31"])
def test_a_member_born_before_1900_gets_a_field_error_and_saves_nothing(client, facilitator, birth):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(url("member_create", household.pk), member_data(birth_date=birth))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["birth_date"]
    assert "sebelum 1 Januari 1900" in errors["birth_date"][0]
    assert not household.members.exists()


def test_a_member_born_on_1_january_1900_is_accepted(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("member_create", household.pk),
        member_data(nik="3402090101000001", birth_date="1900-01-01", relationship="FAMILI_LAIN"),
    )
    assert response.status_code == 302
    assert household.members.get().birth_date == datetime.date(1900, 1, 1)


@pytest.mark.parametrize("left_on", ["0001-01-01", "1899-12-31"])
def test_a_member_leaving_before_1900_gets_a_field_error_and_saves_nothing(
    client, facilitator, left_on
):
    household = household_with_members(facilitator=facilitator)
    elder = household.members.get(relationship="KEPALA_KELUARGA")
    client.force_login(facilitator)
    data = {
        "name": elder.name,
        "sex": elder.sex,
        "birth_date": elder.birth_date.isoformat(),
        "relationship": elder.relationship,
        "left_on": left_on,
        "left_reason": "meninggal",
    }
    response = client.post(url("member_edit", household.pk, elder.pk), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["left_on"]
    assert Member.objects.get(pk=elder.pk).left_on is None


def test_a_name_longer_than_the_database_column_is_a_field_error(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(url("member_create", household.pk), member_data(name="N" * 121))
    assert list(response.context["form"].errors) == ["name"]
    assert not household.members.exists()


def test_a_phone_longer_than_the_database_column_is_a_field_error(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator, phone="")
    client.force_login(facilitator)
    response = client.post(url("edit", household.pk), {"phone": "+" + "8" * 20})
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    household.refresh_from_db()
    assert household.phone == ""

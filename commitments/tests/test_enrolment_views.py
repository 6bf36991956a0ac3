"""Per member, through the enrolment page: "transferred to another facility" and "not
enrolled" with a date; the wrong user is refused and bad input writes nothing."""

import datetime

import pytest
from django.urls import reverse

from commitments.forms import month_key
from commitments.models import Enrolment
from commitments.selectors.due import NOT_ENROLLED
from commitments.tests.factories import FacilityFactory
from conftest import login

pytestmark = pytest.mark.django_db
D = datetime.date


def toddler(family):
    return family.members.get(components__code="ANAK_USIA_DINI")


def pupil(family):
    return family.members.get(components__code="SD")


def test_transferred_to_another_posyandu_closes_the_period(client, family, facilitator, posyandu):
    other = FacilityFactory(name="Posyandu Kenanga Patalan")
    url = reverse("commitments:enrolment", args=[toddler(family).pk, "kesehatan"])
    data = {"change": "pindah_faskes", "start_on": "2025-03-10", "facility": other.pk, "note": ""}
    response = login(client, facilitator).post(url, data)
    assert response.status_code == 302
    periods = list(
        Enrolment.objects.filter(member=toddler(family))
        .order_by("start_on")
        .values_list("facility_id", "change", "start_on", "end_on", "recorded_by_id")
    )
    assert periods == [
        (posyandu.pk, "terdaftar", D(2024, 7, 15), D(2025, 3, 9), facilitator.pk),
        (other.pk, "pindah_faskes", D(2025, 3, 10), None, facilitator.pk),
    ]


def test_not_enrolled_with_a_date_lists_the_member_apart(client, family, facilitator, month):
    url = reverse("commitments:enrolment", args=[pupil(family).pk, "pendidikan"])
    c = login(client, facilitator)
    data = {"change": "tidak_terdaftar", "start_on": "2025-08-01", "note": "putus sekolah"}
    assert c.post(url, data).status_code == 302
    latest = Enrolment.objects.get(member=pupil(family), end_on__isnull=True)
    assert (latest.change, latest.school_id, latest.note) == (
        "tidak_terdaftar",
        None,
        "putus sekolah",
    )
    page = c.get(f"{reverse('commitments:month')}?bulan={month_key(month)}").content.decode()
    assert f'data-group="{NOT_ENROLLED}-0"' in page


def test_a_date_before_the_current_period_is_a_field_error(client, family, facilitator):
    url = reverse("commitments:enrolment", args=[pupil(family).pk, "pendidikan"])
    data = {"change": "tidak_terdaftar", "start_on": "2024-01-01", "note": ""}
    response = login(client, facilitator).post(url, data)
    assert response.status_code == 200 and "start_on" in response.context["form"].errors
    assert Enrolment.objects.filter(member=pupil(family)).count() == 1


def test_a_transfer_without_a_facility_is_a_field_error(client, family, facilitator):
    url = reverse("commitments:enrolment", args=[toddler(family).pk, "kesehatan"])
    data = {"change": "pindah_faskes", "start_on": "2025-03-10", "note": ""}
    response = login(client, facilitator).post(url, data)
    assert response.status_code == 200 and "facility" in response.context["form"].errors
    assert Enrolment.objects.filter(member=toddler(family)).count() == 1


@pytest.mark.parametrize("who", ["other_facilitator", "supervisor"])
def test_the_wrong_user_is_refused_and_nothing_written(request, client, family, posyandu, who):
    url = reverse("commitments:enrolment", args=[toddler(family).pk, "kesehatan"])
    data = {"change": "tidak_terdaftar", "start_on": "2025-03-10", "note": ""}
    response = login(client, request.getfixturevalue(who)).post(url, data)
    assert response.status_code in (403, 404)
    assert Enrolment.objects.filter(member=toddler(family)).count() == 1

"""Logging and editing home visits."""

import datetime

import pytest

from households.models import Visit
from households.tests.factories import HouseholdFactory, VisitFactory, household_with_members
from households.tests.views.helpers import TODAY, url

pytestmark = pytest.mark.django_db


def test_log_a_visit(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    form = client.get(url("visit_create", household.pk)).context["form"]
    token = form.initial["client_token"]
    data = {
        "date": TODAY().isoformat(),
        "purpose": "advokasi_bansos",
        "notes": "KKS diblokir, ke bank minggu depan.",
        "follow_up_date": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        "client_token": str(token),
    }
    response = client.post(url("visit_create", household.pk), data)
    assert response.status_code == 302 and response.url == url("detail", household.pk)
    visit = Visit.objects.get()
    assert (visit.purpose, visit.facilitator, visit.household) == (
        "advokasi_bansos",
        facilitator,
        household,
    )
    # The same form submitted again (double tap, back + resubmit) creates nothing.
    client.post(url("visit_create", household.pk), data)
    assert Visit.objects.count() == 1


def test_future_visit_date_gets_a_field_error_and_saves_nothing(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("visit_create", household.pk),
        {"date": (TODAY() + datetime.timedelta(days=3)).isoformat(), "purpose": "verifikasi"},
    )
    assert response.status_code == 200
    assert "Tanggal kunjungan tidak boleh di masa depan." in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"date": "", "purpose": "verifikasi"},
        {"date": "31-02-2025", "purpose": "verifikasi"},
        {"date": "2025-01-01", "purpose": "bukan-tujuan"},
        {"date": "2025-01-10", "purpose": "verifikasi", "follow_up_date": "2025-01-01"},
    ],
)
def test_bad_visit_input_is_a_form_error(client, facilitator, data):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(url("visit_create", household.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Visit.objects.exists()


def test_supervisor_cannot_log_visits(client, supervisor, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(supervisor)
    assert client.get(url("visit_create", household.pk)).status_code == 403


def test_edit_own_visit_only(client, facilitator, other_facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    visit = VisitFactory(household=household)
    client.force_login(facilitator)
    response = client.post(
        url("visit_edit", visit.pk),
        {"date": visit.date.isoformat(), "purpose": "graduasi", "notes": "Diskusi graduasi."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.purpose == "graduasi"
    client.force_login(other_facilitator)
    assert client.get(url("visit_edit", visit.pk)).status_code == 404


def _assert_family_header(html, household):
    """The shared family header (households/_family_header.html): who the page is about."""
    assert "data-family-header" in html
    assert household.members.get(is_pengurus=True).name in html
    assert "Patalan" in html  # the village
    assert "Anak SD/sederajat" in html and "Anak usia dini (0-6 tahun)" in html


def test_visit_forms_show_the_family(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    client.force_login(facilitator)
    _assert_family_header(client.get(url("visit_create", household.pk)).content.decode(), household)
    visit = VisitFactory(household=household)
    _assert_family_header(client.get(url("visit_edit", visit.pk)).content.decode(), household)

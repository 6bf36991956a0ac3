"""The family page: members, components, visits, NIK warnings, audit trail; 404 outside scope."""

import datetime

import pytest

from households.models import Visit
from households.tests.factories import (
    HouseholdFactory,
    MemberFactory,
    VisitFactory,
    household_with_members,
)
from households.tests.views.helpers import TODAY, url

pytestmark = pytest.mark.django_db


def test_family_page_shows_members_components_visits_and_region(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    VisitFactory(household=household, notes="Ibu sudah ke posyandu.")
    client.force_login(facilitator)
    body = client.get(url("detail", household.pk)).content.decode()
    for member in household.members.all():
        assert member.name in body and member.nik in body
    assert "Anak SD/sederajat" in body
    assert "Ibu sudah ke posyandu." in body
    assert "Patalan" in body and "Jetis" in body and "Kabupaten Bantul" in body
    assert "Rp 3.900.000" in body or "Rp 3,900,000" in body  # SD 900k + AUD 3,000k


def test_family_page_shows_nik_warnings(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    MemberFactory(
        household=household, nik="3402091111110001", birth_date=datetime.date(1985, 3, 14)
    )
    client.force_login(facilitator)
    body = client.get(url("detail", household.pk)).content.decode()
    assert 'data-warning="nik"' in body


def test_audit_trail_for_supervisor_and_admin_not_facilitator(
    client, facilitator, supervisor, admin_user
):
    household = household_with_members(facilitator=facilitator)
    client.force_login(facilitator)
    client.post(
        url("edit", household.pk),
        {"address": "Dusun Baru", "rt": "3", "rw": "2", "phone": "081234567890"},
    )
    assert "Jejak perubahan" not in client.get(url("detail", household.pk)).content.decode()
    for user in (supervisor, admin_user):
        client.force_login(user)
        body = client.get(url("detail", household.pk)).content.decode()
        assert "Jejak perubahan" in body
        assert "Dusun Baru" in body and "pendamping1" in body or str(facilitator) in body


def test_family_page_query_count(client, facilitator, supervisor, django_assert_max_num_queries):
    """Constant whatever the number of members and visits (panels of other apps included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = household_with_members(facilitator=facilitator)
    VisitFactory(household=small)
    large = household_with_members(facilitator=facilitator)
    for _ in range(4):
        MemberFactory(household=large, components=["SMP"])
    for _ in range(20):
        VisitFactory(household=large)
    client.force_login(supervisor)
    client.get(url("detail", small.pk))  # warm per-process caches (content types, ...)
    counts = []
    for household in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", household.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(45):
        client.get(url("detail", large.pk))


def test_other_peoples_families_are_404_everywhere(
    client,
    facilitator,
    other_facilitator,
    other_team_facilitator,
    other_supervisor,
    other_region_admin,
):
    household = household_with_members(facilitator=facilitator)
    visit = VisitFactory(household=household)
    member = household.members.first()
    targets = [
        url("detail", household.pk),
        url("edit", household.pk),
        url("member_create", household.pk),
        url("member_edit", household.pk, member.pk),
        url("visit_create", household.pk),
        url("visit_edit", visit.pk),
    ]
    for user in (other_facilitator, other_team_facilitator, other_supervisor, other_region_admin):
        client.force_login(user)
        for target in targets:
            response = client.get(target)
            assert response.status_code in (403, 404), (user, target)
            if user.role == "facilitator" or target == url("detail", household.pk):
                assert response.status_code == 404, (user, target)
            assert household.id_keluarga not in response.content.decode()
        response = client.post(
            url("visit_create", household.pk),
            {"date": TODAY().isoformat(), "purpose": "verifikasi"},
        )
        assert response.status_code in (403, 404)
    assert Visit.objects.count() == 1


def test_nonexistent_family_is_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get(url("detail", 999999)).status_code == 404

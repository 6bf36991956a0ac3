"""The family page's panel, the queue, the menu; a proposal alone changes no registry count."""

import pytest
from django.urls import reverse

from corrections.models import Correction
from corrections.tests.factories import child_of, family
from corrections.tests.views.helpers import propose_baby, url
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_family_page_shows_pending_and_past_corrections(client, facilitator, supervisor):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Usulkan anggota baru" in page and "Belum ada koreksi data." in page
    propose_baby(client, household)
    first = Correction.objects.get()
    client.force_login(supervisor)
    client.post(url("approve", first.pk))
    client.force_login(facilitator)
    client.post(url("propose_no_kk", household.pk), {"no_kk": "3402091203150007", "document": "kk"})
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'data-status="menunggu"' in page and 'data-status="disetujui"' in page
    client.force_login(supervisor)
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "Usulkan anggota baru" not in page and 'data-status="menunggu"' in page


def test_queue_pages_and_keeps_its_query_count(
    client, facilitator, supervisor, django_assert_max_num_queries
):
    from corrections import services

    households = [family(facilitator)[0] for _ in range(3)]

    def add(n):
        for i in range(n):
            h = households[i % 3]
            services.correction_propose_village_move(
                household=h,
                by=facilitator,
                village=Region.objects.get(code="34.02.09.2004"),
                document="surat_pindah",
                address=f"Dusun {i}",
            )

    add(3)
    client.force_login(supervisor)
    client.get(url("list"))  # warm the session and the menu
    with django_assert_max_num_queries(12) as few:
        response = client.get(url("list"))
    assert len(response.context["page"]) == 3
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("list") + "?page=2")
    assert response.status_code == 200 and len(response.context["page"]) == 8


def test_supervisors_queue_leaves_identity_to_the_admin(
    client, facilitator, supervisor, admin_user
):
    from corrections import services

    household, _ = family(facilitator)
    child = child_of(household)
    services.correction_propose_identity(
        household=household, by=facilitator, member=child, document="ktp", name="Bagus Saputra"
    )
    client.force_login(supervisor)
    assert len(client.get(url("list")).context["page"]) == 0
    assert len(client.get(url("list") + "?lihat=pending").context["page"]) == 1
    client.force_login(admin_user)
    assert len(client.get(url("list")).context["page"]) == 1
    assert "Koreksi data menunggu keputusan" in client.get(reverse("home")).content.decode()


def test_menu_entries(client, facilitator, admin_user):
    client.force_login(facilitator)
    page = client.get(reverse("home")).content.decode()
    assert url("list") in page and url("export") not in page
    assert client.get(url("export")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert url("export") in page


def test_unknown_list_view_is_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get(url("list") + "?lihat=apa").status_code == 404


def test_household_and_member_counts_untouched_by_proposals(client, facilitator):
    household, _ = family(facilitator)
    client.force_login(facilitator)
    propose_baby(client, household)

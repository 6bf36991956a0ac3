"""The aid panel on the family page and the status form."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import AidEnrolment, AidStatus
from assistance.tests.conftest import member_by_component
from conftest import login
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_family_page_shows_the_aid_panel_with_edit_links(client, family, facilitator):
    response = login(client, facilitator).get(reverse("households:detail", args=[family.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-panel="assistance/panel.html"' in html
    child = member_by_component(family, "SD")
    assert reverse("assistance:member_status_edit", args=[family.pk, "KIP", child.pk]) in html
    assert reverse("assistance:status_edit", args=[family.pk, "KKS"]) in html
    assert reverse("assistance:case_open", args=[family.pk]) in html


def test_supervisor_reads_the_panel_without_edit_links(client, family, supervisor):
    response = login(client, supervisor).get(reverse("households:detail", args=[family.pk]))
    html = response.content.decode()
    assert 'data-aid="KKS"' in html
    assert reverse("assistance:status_edit", args=[family.pk, "KKS"]) not in html
    assert reverse("assistance:case_open", args=[family.pk]) not in html


def test_facilitator_sets_a_status_from_the_family_page(client, family, facilitator):
    child = member_by_component(family, "SD")
    url = reverse("assistance:member_status_edit", args=[family.pk, "KIP", child.pk])
    client = login(client, facilitator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "status": AidStatus.RECEIVING,
            "since": YESTERDAY.isoformat(),
            "card_number": "0098765432",
        },
    )
    assert response.status_code == 302
    row = AidEnrolment.objects.get(aid="KIP", member=child)
    assert (row.status, row.card_number, row.since) == (
        AidStatus.RECEIVING,
        "0098765432",
        YESTERDAY,
    )
    html = client.get(reverse("households:detail", args=[family.pk])).content.decode()
    assert "0098765432" in html and "Riwayat" in html


@pytest.mark.parametrize(
    ("code", "member_component", "data", "message"),
    [
        (
            "KIS",
            "SD",
            {"status": "menerima", "since": YESTERDAY, "card_number": "12345"},
            "Nomor KIS harus 13 digit angka",
        ),
        (
            "KIP",
            "LANSIA",
            {"status": "menerima", "since": YESTERDAY, "card_number": "0012345678"},
            "KIP hanya untuk usia 6-21 tahun",
        ),
        (
            "KKS",
            None,
            {"status": "menerima", "since": TOMORROW, "card_number": ""},
            "Tanggal tidak boleh di masa depan",
        ),
        (
            "KKS",
            None,
            {"status": "menerima", "since": "", "card_number": ""},
            "Tanggal wajib diisi",
        ),
    ],
)
def test_bad_status_input_shows_an_error_and_saves_nothing(
    client, family, facilitator, code, member_component, data, message
):
    if member_component:
        member = member_by_component(family, member_component)
        url = reverse("assistance:member_status_edit", args=[family.pk, code, member.pk])
    else:
        url = reverse("assistance:status_edit", args=[family.pk, code])
    before = list(AidEnrolment.objects.order_by("pk").values_list("pk", "status", "card_number"))
    response = login(client, facilitator).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (
        list(AidEnrolment.objects.order_by("pk").values_list("pk", "status", "card_number"))
        == before
    )


def test_status_edit_permissions(
    client, family, other_facilitator, supervisor, admin_user, other_region_admin
):
    url = reverse("assistance:status_edit", args=[family.pk, "KKS"])
    assert login(client, other_facilitator).get(url).status_code == 404
    assert login(client, other_region_admin).get(url).status_code == 404
    assert login(client, supervisor).get(url).status_code == 403
    assert login(client, admin_user).get(url).status_code == 200
    # A member of another family, or an aid that does not exist, is a 404 too.
    other = household_with_members(facilitator=family.facilitator)
    stranger = other.members.first()
    member_url = reverse("assistance:member_status_edit", args=[family.pk, "KIS", stranger.pk])
    assert login(client, family.facilitator).get(member_url).status_code == 404
    assert (
        client.get(reverse("assistance:status_edit", args=[family.pk, "NOPE"])).status_code == 404
    )

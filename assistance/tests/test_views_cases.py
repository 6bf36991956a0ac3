"""Advocacy case pages and the to-do list entry."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import AdvocacyCase, Aid, CaseStatus
from assistance.tests.factories import CaseFactory, ResourceFactory
from conftest import login
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_facilitator_opens_a_case_from_the_family_page(client, family, facilitator):
    resource = ResourceFactory(aids=Aid.objects.filter(code="KKS"))
    client = login(client, facilitator)
    url = reverse("assistance:case_open", args=[family.pk])
    assert client.get(url, {"bantuan": "SEMBAKO"}).status_code == 200
    response = client.post(
        url,
        {
            "kind": "kks_blokir",
            "resource": resource.pk,
            "opened_on": TODAY.isoformat(),
            "taken_on": TODAY.isoformat(),
            "next_step": "Tanyakan ke bank",
            "next_step_due": TOMORROW.isoformat(),
            "status": CaseStatus.WAITING,
        },
    )
    case = AdvocacyCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "assistance:case_detail", args=[case.pk]
    )
    assert (case.aid_id, case.resource, case.status) == ("KKS", resource, CaseStatus.WAITING)


def test_case_open_bad_input_saves_nothing(client, family, facilitator):
    url = reverse("assistance:case_open", args=[family.pk])
    response = login(client, facilitator).post(
        url, {"kind": "bansos", "opened_on": TODAY.isoformat(), "status": "terbuka"}
    )
    assert response.status_code == 200
    assert "Pilih bantuan yang belum diterima" in response.content.decode()
    response = client.post(
        url, {"kind": "kks_pin", "opened_on": TOMORROW.isoformat(), "status": "terbuka"}
    )
    assert "Tanggal tidak boleh di masa depan" in response.content.decode()
    assert not AdvocacyCase.objects.exists()


def test_case_permissions(client, family, other_facilitator, supervisor, admin_user):
    case = CaseFactory(household=family)
    open_url = reverse("assistance:case_open", args=[family.pk])
    detail = reverse("assistance:case_detail", args=[case.pk])
    assert login(client, other_facilitator).get(open_url).status_code == 404
    assert client.get(detail).status_code == 404
    assert (
        client.post(detail, {"action": "close", "status": "selesai", "outcome": "x"}).status_code
        == 404
    )
    assert login(client, supervisor).get(open_url).status_code == 403
    assert client.get(detail).status_code == 200  # supervisors read
    assert (
        client.post(detail, {"action": "close", "status": "selesai", "outcome": "x"}).status_code
        == 403
    )
    assert login(client, admin_user).get(detail).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_closing_a_case_without_outcome_shows_an_error(client, family, facilitator):
    case = CaseFactory(household=family)
    url = reverse("assistance:case_detail", args=[case.pk])
    response = login(client, facilitator).post(
        url,
        {"action": "close", "status": "selesai", "closed_on": TODAY.isoformat(), "outcome": " "},
    )
    assert response.status_code == 200
    assert "Hasil wajib diisi untuk menutup kasus" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.outcome == ""
    response = client.post(
        url,
        {
            "action": "close",
            "status": "selesai",
            "closed_on": TODAY.isoformat(),
            "outcome": "Blokir dibuka.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.closed_on == TODAY


def test_case_progress_is_recorded(client, family, facilitator):
    case = CaseFactory(household=family)
    resource = ResourceFactory()
    response = login(client, facilitator).post(
        reverse("assistance:case_detail", args=[case.pk]),
        {
            "action": "update",
            "status": "menunggu",
            "resource": resource.pk,
            "taken_on": TODAY.isoformat(),
            "next_step": "Kembali ke bank minggu depan",
            "next_step_due": (TODAY + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resource, case.next_step) == (
        "menunggu",
        resource,
        "Kembali ke bank minggu depan",
    )
    assert case.history.count() == 2


def test_case_list_is_scoped_and_query_count_constant(
    client, family, facilitator, other_team_facilitator, django_assert_max_num_queries
):
    CaseFactory(household=family)
    theirs = household_with_members(facilitator=other_team_facilitator)
    hidden = CaseFactory(household=theirs)
    client = login(client, facilitator)
    client.get(reverse("assistance:cases"))
    with django_assert_max_num_queries(10) as few:
        response = client.get(reverse("assistance:cases"))
    assert hidden not in list(response.context["page"].object_list)
    for _ in range(8):
        CaseFactory(
            household=household_with_members(facilitator=facilitator), next_step_due=YESTERDAY
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("assistance:cases"))
    assert len(response.context["page"].object_list) == 9
    assert "todo-overdue" in response.content.decode()


def test_case_and_resource_filters_offer_their_declared_choices(client, facilitator):
    """The status and kind filters are declared with their choices: every one of them is
    offered (the shared filter form once dropped them, leaving empty selects)."""
    from assistance.models import CaseKind, ResourceKind

    client = login(client, facilitator)
    cases = client.get(reverse("assistance:cases")).content.decode()
    for value in [*CaseStatus.values, *CaseKind.values]:
        assert f'<option value="{value}"' in cases, value
    resources = client.get(reverse("assistance:resources")).content.decode()
    for value in ResourceKind.values:
        assert f'<option value="{value}"' in resources, value


def test_open_cases_are_on_the_facilitators_todo_list(client, family, facilitator, supervisor):
    CaseFactory(household=family, next_step="Tanyakan ke bank", next_step_due=YESTERDAY)
    CaseFactory(
        household=family,
        kind="kks_pin",
        next_step="Ke BRI",
        next_step_due=TODAY + datetime.timedelta(days=30),
    )
    CaseFactory(
        household=family,
        status=CaseStatus.RESOLVED,
        closed_on=TODAY,
        outcome="Selesai",
        next_step_due=YESTERDAY,
    )
    html = login(client, facilitator).get(reverse("home")).content.decode()
    assert html.count('data-kind="advocacy_case"') == 1
    assert "Tanyakan ke bank" in html and "todo-overdue" in html
    assert (
        'data-kind="advocacy_case"'
        not in login(client, supervisor).get(reverse("home")).content.decode()
    )


def test_case_lists_and_todo_name_the_aid_not_its_code(client, family, facilitator):
    """Issue 19: the case list, the family page's cases and the to-do label showed
    ``SEMBAKO``."""
    from pkh.testing import visible_text

    CaseFactory(household=family, kind="bansos", aid_id="SEMBAKO", next_step_due=YESTERDAY)
    client = login(client, facilitator)
    pages = {
        "cases": reverse("assistance:cases"),
        "family": reverse("households:detail", args=[family.pk]),
        "home": reverse("home"),
    }
    for page, url in pages.items():
        text = visible_text(client.get(url).content.decode())
        assert "Program Sembako (BPNT)" in text, page
        assert "SEMBAKO" not in text, page

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import FacilitatorFactory
from assistance.models import AdvocacyCase, Aid, AidEnrolment, AidStatus, CaseStatus, Resource
from assistance.tests.conftest import member_by_component
from assistance.tests.factories import CaseFactory, ResourceFactory
from conftest import login
from households.tests.factories import household_with_members
from regions.models import Region

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


# ---------------------------------------------------------------- family panel


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


# ---------------------------------------------------------------- coverage gap and figures


def _families(facilitator, n):
    return [household_with_members(facilitator=facilitator) for _ in range(n)]


def test_gap_page_lists_only_the_users_families(client, facilitator, other_facilitator):
    mine = _families(facilitator, 2)
    theirs = _families(other_facilitator, 1)
    html = login(client, facilitator).get(reverse("assistance:gap")).content.decode()
    for household in mine:
        assert reverse("households:detail", args=[household.pk]) in html
    assert reverse("households:detail", args=[theirs[0].pk]) not in html
    assert 'name="pendamping"' not in html  # a facilitator does not filter by facilitator


def test_gap_page_filters(client, facilitator, supervisor, admin_user):
    household = _families(facilitator, 1)[0]
    response = login(client, supervisor).get(
        reverse("assistance:gap"), {"bantuan": "KKS", "pendamping": facilitator.pk}
    )
    rows = list(response.context["page"].object_list)
    assert [(r.household_id, r.aid_id) for r in rows] == [(household.pk, "KKS")]
    html = response.content.decode()
    assert 'value="KKS" selected' in html and f'value="{facilitator.pk}" selected' in html
    response = login(client, admin_user).get(reverse("assistance:gap"), {"desa": "34.02.09.2002"})
    assert response.context["form"].is_valid()
    assert response.context["page"].paginator.count == 0
    response = client.get(reverse("assistance:gap"), {"desa": "34.02.09.2001", "bantuan": "KIP"})
    assert response.context["page"].paginator.count == 1


def test_gap_page_offers_districts_to_admins_of_a_large_area(
    client, facilitator, admin_user, monkeypatch
):
    from assistance import selectors

    household = _families(facilitator, 1)[0]
    monkeypatch.setattr(selectors, "MAX_VILLAGE_CHOICES", 2)
    response = login(client, admin_user).get(reverse("assistance:gap"), {"desa": "34.02.09"})
    assert [c for c, _n in response.context["form"].fields["desa"].choices] == ["", "34.02.09"]
    assert {r.household_id for r in response.context["page"].object_list} == {household.pk}
    response = login(client, facilitator).get(reverse("assistance:gap"))
    assert [c for c, _n in response.context["form"].fields["desa"].choices] == ["", "34.02.09.2001"]


def test_gap_page_query_count_is_constant(
    client, facilitator, supervisor, django_assert_max_num_queries
):
    _families(facilitator, 2)
    client = login(client, supervisor)
    client.get(reverse("assistance:gap"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("assistance:gap"))
    _families(facilitator, 10)
    _families(FacilitatorFactory(supervisor=supervisor), 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("assistance:gap"))
    assert response.context["page"].paginator.count > 50


def test_gap_page_count_is_capped(client, facilitator, monkeypatch):
    from assistance import views

    _families(facilitator, 2)
    monkeypatch.setattr(views.CappedPaginator, "cap", 5)
    response = login(client, facilitator).get(reverse("assistance:gap"))
    assert response.context["page"].paginator.capped
    assert "Lebih dari 5 sasaran" in response.content.decode()
    response = client.get(reverse("assistance:gap"), {"bantuan": "KKS"})
    assert not response.context["page"].paginator.capped
    assert "2 sasaran" in response.content.decode()


def test_gap_export_is_xlsx_and_neutralises_formulas(client, facilitator):
    household = _families(facilitator, 1)[0]
    mother = household.members.get(is_pengurus=True)
    mother.name = '=HYPERLINK("http://x","klik")'
    mother.save()
    response = login(client, facilitator).get(reverse("assistance:gap_export"), {"bantuan": "KKS"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "ID keluarga"
    assert values[1][0] == household.id_keluarga and values[1][3] == "KKS"
    assert values[1][1] == '\'=HYPERLINK("http://x","klik")'
    assert len(values) == 2


def test_gap_export_too_large_asks_to_narrow_the_filter(client, facilitator, monkeypatch):
    from assistance import views

    _families(facilitator, 2)
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 3)
    response = login(client, facilitator).get(reverse("assistance:gap_export"), {"bantuan": "KIS"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assistance:gap") + "?bantuan=KIS"
    response = client.get(reverse("assistance:gap_export"), {"bantuan": "KKS"})
    assert response.status_code == 200


def test_gap_pages_refuse_users_without_a_role(client, regions):
    from accounts.tests.factories import UserFactory

    nobody = UserFactory(role="")
    client = login(client, nobody)
    for name in (
        "assistance:gap",
        "assistance:gap_export",
        "assistance:coverage",
        "assistance:cases",
    ):
        assert client.get(reverse(name)).status_code == 403


def test_coverage_page(client, facilitator, supervisor, django_assert_max_num_queries):
    _families(facilitator, 2)
    client = login(client, supervisor)
    client.get(reverse("assistance:coverage"))
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("assistance:coverage"))
    assert response.status_code == 200
    assert str(facilitator) in response.content.decode()
    assert "0,0%" in response.content.decode()  # Indonesian decimal comma
    _families(FacilitatorFactory(supervisor=supervisor), 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("assistance:coverage"))


def test_coverage_per_district_for_admins_of_a_large_area(
    client, facilitator, admin_user, monkeypatch
):
    from assistance import selectors

    _families(facilitator, 2)
    monkeypatch.setattr(selectors, "MAX_VILLAGE_CHOICES", 2)
    response = login(client, admin_user).get(reverse("assistance:coverage"))
    assert response.context["by_district"]
    rows = list(response.context["village_page"].object_list)
    assert [(r.key, r.label) for r in rows] == [("34.02.09", "Jetis")]
    assert rows[0].aids["KKS"].not_receiving == 2
    assert "Per kecamatan" in response.content.decode()


def test_coverage_tables_paginate(client, facilitator, supervisor, monkeypatch):
    from assistance import views

    other = FacilitatorFactory(supervisor=supervisor, first_name="Zulaikha", last_name="Putri")
    _families(facilitator, 1)
    _families(other, 1)
    monkeypatch.setattr(views, "COVERAGE_PAGE_SIZE", 1)
    client = login(client, supervisor)
    first = client.get(reverse("assistance:coverage")).context["facilitator_page"]
    second = client.get(reverse("assistance:coverage"), {"hal_pendamping": 2}).context[
        "facilitator_page"
    ]
    assert {first.object_list[0].key, second.object_list[0].key} == {facilitator.pk, other.pk}
    assert first.paginator.num_pages == 2


# ---------------------------------------------------------------- cases


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


# ---------------------------------------------------------------- resource directory


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


def test_gap_and_coverage_pages_show_aid_names_not_codes(client, facilitator, supervisor):
    """Issue 19: the gap list's rows and the coverage table showed ``KIP``, ``SEMBAKO``."""
    from pkh.testing import visible_text

    _families(facilitator, 2)
    for user in (facilitator, supervisor):
        client = login(client, user)
        text = visible_text(client.get(reverse("assistance:gap")).content.decode())
        assert "KIP/PIP (Kartu Indonesia Pintar)" in text
        assert "KIP" not in text.replace("KIP/PIP (Kartu Indonesia Pintar)", "").split()
        assert "SEMBAKO" not in text
        coverage = visible_text(client.get(reverse("assistance:coverage")).content.decode())
        assert "Program Sembako (BPNT)" in coverage and "SEMBAKO" not in coverage

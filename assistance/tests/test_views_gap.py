"""The coverage gap page, its XLSX export and the coverage figures."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import FacilitatorFactory
from conftest import login
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


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
    from assistance.selectors import gap as gap_selectors

    household = _families(facilitator, 1)[0]
    monkeypatch.setattr(gap_selectors, "MAX_VILLAGE_CHOICES", 2)
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
    assert values[1][0] == household.id_keluarga
    assert values[1][3] == "KKS (Kartu Keluarga Sejahtera)"
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
    from assistance.selectors import gap as gap_selectors

    _families(facilitator, 2)
    monkeypatch.setattr(gap_selectors, "MAX_VILLAGE_CHOICES", 2)
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


def test_gap_export_names_the_aids_not_their_codes(client, facilitator):
    """Issue 19: the workbook's Bantuan column held ``KIP``, ``SEMBAKO``."""
    _families(facilitator, 1)
    response = login(client, facilitator).get(reverse("assistance:gap_export"))
    values = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    aids = {line[3] for line in values[1:]}
    assert {"KIP/PIP (Kartu Indonesia Pintar)", "Program Sembako (BPNT)"} <= aids
    assert not aids & {"KIP", "KIS", "SEMBAKO", "KKS"}

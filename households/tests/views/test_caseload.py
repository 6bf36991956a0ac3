"""The caseload (Keluarga Saya): scoping by role, search, filters, sorting, paging, query counts."""

import datetime

import pytest

from households.models import Household, Member
from households.tests.factories import (
    HouseholdFactory,
    MemberFactory,
    VisitFactory,
    household_with_members,
    households_bulk,
)
from households.tests.views.helpers import TODAY, url
from regions.models import Region

pytestmark = pytest.mark.django_db


def test_facilitator_sees_only_own_families(client, facilitator, other_facilitator):
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    client.force_login(facilitator)
    page = client.get(url("caseload")).context["page"]
    assert [h.pk for h in page] == [mine.pk]
    assert theirs.pk not in [h.pk for h in page]


def test_supervisor_sees_the_team_and_not_other_teams(
    client, supervisor, facilitator, other_facilitator, other_team_facilitator
):
    a = HouseholdFactory(facilitator=facilitator)
    b = HouseholdFactory(facilitator=other_facilitator)
    c = HouseholdFactory(facilitator=other_team_facilitator)
    client.force_login(supervisor)
    seen = {h.pk for h in client.get(url("caseload")).context["page"]}
    assert seen == {a.pk, b.pk}
    assert c.pk not in seen


def test_admin_sees_the_region_only(client, admin_user, facilitator, other_region_village):
    inside = HouseholdFactory(facilitator=facilitator)
    outside = HouseholdFactory(village=other_region_village)
    client.force_login(admin_user)
    seen = {h.pk for h in client.get(url("caseload")).context["page"]}
    assert seen == {inside.pk}
    assert outside.pk not in seen


def test_search_is_posted_and_kept_out_of_the_url(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    other = household_with_members(facilitator=facilitator)
    nik = household.members.get(is_pengurus=True).nik
    client.force_login(facilitator)
    response = client.post(url("caseload"), {"q": nik})
    assert response.status_code == 302
    assert nik not in response.url
    page = client.get(response.url).context["page"]
    assert [h.pk for h in page] == [household.pk]
    assert other.pk not in [h.pk for h in page]
    client.get(url("search_clear"))
    assert len(client.get(url("caseload")).context["page"]) == 2


@pytest.mark.parametrize("field", ["name", "no_kk", "id_keluarga"])
def test_search_by_name_no_kk_and_id(client, facilitator, field):
    household = household_with_members(facilitator=facilitator)
    household_with_members(facilitator=facilitator)
    pengurus = household.members.get(is_pengurus=True)
    term = {
        "name": pengurus.name.split()[0].lower() + " " + pengurus.name.split()[1],
        "no_kk": household.no_kk,
        "id_keluarga": household.id_keluarga,
    }[field]
    if field == "name":
        Member.objects.exclude(household=household).update(name="Tumini Haryanto")
        Member.objects.exclude(household=household).update(name_normalized="TUMINI HARYANTO")
    client.force_login(facilitator)
    client.post(url("caseload"), {"q": term})
    assert [h.pk for h in client.get(url("caseload")).context["page"]] == [household.pk]


def test_filters_component_status_village_and_no_visit(client, facilitator, regions):
    with_sd = household_with_members(facilitator=facilitator)  # has SD and AUD children
    lansia = HouseholdFactory(
        facilitator=facilitator, village=Region.objects.get(code="34.02.09.2002")
    )
    MemberFactory(
        household=lansia,
        birth_date=datetime.date(1950, 1, 1),
        is_pengurus=True,
        components=["LANSIA"],
    )
    suspended = HouseholdFactory(facilitator=facilitator, status="suspended")
    VisitFactory(household=with_sd, date=TODAY())
    Household.objects.filter(pk=with_sd.pk).update(last_visit_on=TODAY())
    client.force_login(facilitator)

    def seen(query):
        return {h.pk for h in client.get(url("caseload") + query).context["page"]}

    assert seen("?komponen=SD") == {with_sd.pk}
    assert seen("?komponen=LANSIA") == {lansia.pk}
    assert seen("?status=suspended") == {suspended.pk}
    assert seen("?desa=34.02.09.2002") == {lansia.pk}
    assert seen("?belum_dikunjungi=on") == {lansia.pk, suspended.pk}


def test_caseload_row_shows_the_active_members_components(client, facilitator):
    """Each row lists its family's components once, in the catalogue's order, without
    those of a member who has left (read off the trigger-kept component mask)."""
    family = household_with_members(facilitator=facilitator)  # SD and ANAK_USIA_DINI
    grandmother = MemberFactory(
        household=family, birth_date=datetime.date(1948, 6, 1), components=["LANSIA"]
    )
    MemberFactory(household=family, birth_date=datetime.date(2014, 1, 9), components=["SD"])
    client.force_login(facilitator)

    def badges():
        response = client.get(url("caseload"))
        (row,) = response.context["page"]
        html = response.content.decode()
        return row.component_codes, html.count('badge-component">')

    assert badges() == (["ANAK_USIA_DINI", "SD", "LANSIA"], 3)
    Member.objects.filter(pk=grandmother.pk).update(left_on=TODAY())
    assert badges() == (["ANAK_USIA_DINI", "SD"], 2)


def test_filter_by_fds_group(client, facilitator):
    from fds_sessions.models import FdsGroup

    group = FdsGroup.objects.create(name="Melati 1", facilitator=facilitator)
    in_group = HouseholdFactory(facilitator=facilitator, fds_group=group)
    HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    page = client.get(url("caseload") + f"?kelompok={group.pk}").context["page"]
    assert [h.pk for h in page] == [in_group.pk]


def test_bad_filter_values_do_not_crash(client, facilitator):
    HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.get(url("caseload") + "?kelompok=abc&urut=drop&page=zzz&status=nope")
    assert response.status_code == 200


def test_sorting_by_last_visit_puts_never_visited_first(client, facilitator):
    visited = HouseholdFactory(facilitator=facilitator, last_visit_on=TODAY())
    never = HouseholdFactory(facilitator=facilitator)
    old = HouseholdFactory(
        facilitator=facilitator, last_visit_on=TODAY() - datetime.timedelta(days=90)
    )
    client.force_login(facilitator)
    page = client.get(url("caseload") + "?urut=kunjungan").context["page"]
    assert [h.pk for h in page] == [never.pk, old.pk, visited.pk]


def test_pagination(client, facilitator, settings):
    settings.PKH_CASELOAD_PAGE_SIZE = 5
    for _ in range(12):
        HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.get(url("caseload") + "?page=3")
    assert len(response.context["page"]) == 2
    assert response.context["page"].paginator.num_pages == 3


@pytest.mark.parametrize("families", [10, 300])
def test_caseload_query_count_does_not_grow(
    client, facilitator, django_assert_max_num_queries, families, settings
):
    settings.PKH_CASELOAD_PAGE_SIZE = 50
    households_bulk(families, facilitator=facilitator)
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(url("caseload") + "?urut=desa")
    assert response.status_code == 200


def test_supervisor_caseload_query_count(
    client, supervisor, facilitator, other_facilitator, django_assert_max_num_queries
):
    for f in (facilitator, other_facilitator):
        households_bulk(30, facilitator=f)
    client.force_login(supervisor)
    with django_assert_max_num_queries(13):
        assert client.get(url("caseload")).status_code == 200


def test_caseload_shows_component_names_not_codes(client, facilitator, supervisor):
    """Issue 19: the rows showed ``ANAK_USIA_DINI``; the family page's names instead."""
    from pkh.testing import visible_text

    family = household_with_members(facilitator=facilitator)  # SD and ANAK_USIA_DINI
    MemberFactory(household=family, birth_date=datetime.date(1990, 1, 1), components=["IBU_HAMIL"])
    for user in (facilitator, supervisor):
        client.force_login(user)
        text = visible_text(client.get(url("caseload")).content.decode())
        for code, name in [
            ("ANAK_USIA_DINI", "Anak usia dini (0-6 tahun)"),
            ("IBU_HAMIL", "Ibu hamil/nifas"),
            ("SD", "Anak SD/sederajat"),
        ]:
            assert name in text
            assert code not in text.split()
        assert "ANAK_USIA_DINI" not in text and "IBU_HAMIL" not in text


def test_caseload_search_placeholder_is_short(client, facilitator):
    client.force_login(facilitator)
    html = client.get(url("caseload")).content.decode()
    import re

    (placeholder,) = re.findall(r'name="q"[^>]*placeholder="([^"]*)"', html, re.S)
    assert len(placeholder) <= 24, placeholder

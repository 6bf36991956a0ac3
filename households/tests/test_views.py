import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Household, HouseholdTransfer, Member, Visit
from households.tests.factories import (
    HouseholdFactory,
    MemberFactory,
    VisitFactory,
    household_with_members,
    households_bulk,
)
from regions.models import Region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def url(name, *args):
    return reverse(f"households:{name}", args=args)


# --- sign-in and roles -------------------------------------------------------------------


def test_anonymous_users_only_see_the_login_page(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    for target in [
        reverse("home"),
        url("caseload"),
        url("detail", household.pk),
        url("team_overview"),
    ]:
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_login_with_username_and_password(client, facilitator):
    response = client.post(
        reverse("login"), {"username": "pendamping1", "password": "rahasia-123"}, follow=True
    )
    assert response.context["user"] == facilitator
    assert "Daftar tugas" in response.content.decode()


def test_wrong_password_shows_an_error_in_indonesian(client, facilitator):
    response = client.post(reverse("login"), {"username": "pendamping1", "password": "salah"})
    assert response.status_code == 200
    assert "nama pengguna dan sandi" in response.content.decode().lower()


def test_english_switch(client, facilitator):
    client.force_login(facilitator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(url("caseload"))
    assert "My families" in response.content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Keluarga Saya" in client.get(url("caseload")).content.decode()


# --- caseload ----------------------------------------------------------------------------


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


# --- family page -------------------------------------------------------------------------


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


# --- visit form ---------------------------------------------------------------------------


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


# --- household and member forms -----------------------------------------------------------


def test_edit_household_contact(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("edit", household.pk),
        {"address": "Dusun Kertan", "rt": "010", "rw": "5", "phone": "085066462189"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.rt, household.phone) == ("010", "085066462189")


@pytest.mark.parametrize(
    "data,field",
    [
        ({"rt": "1234"}, "rt"),
        ({"phone": "telepon saya"}, "phone"),
        ({"welfare_decile": "11"}, "welfare_decile"),
        ({"year_joined": "2099"}, "year_joined"),
    ],
)
def test_bad_household_input(client, facilitator, data, field):
    household = HouseholdFactory(facilitator=facilitator)
    before = Household.objects.values().get(pk=household.pk)
    client.force_login(facilitator)
    response = client.post(url("edit", household.pk), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Household.objects.values().get(pk=household.pk) == before


def test_admin_changes_status_with_reason(client, admin_user, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(admin_user)
    base = {"address": household.address, "rt": household.rt, "rw": household.rw}
    response = client.post(url("edit", household.pk), {**base, "status": "suspended"})
    assert response.status_code == 200
    assert "status_date" in response.context["form"].errors
    response = client.post(
        url("edit", household.pk),
        {
            **base,
            "status": "suspended",
            "status_date": TODAY().isoformat(),
            "status_reason": "Anak tidak sekolah 3 bulan",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "suspended"


def test_supervisor_cannot_edit_households(client, supervisor, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(supervisor)
    assert client.get(url("edit", household.pk)).status_code == 403


def test_add_member_with_nik_warning(client, facilitator):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("member_create", household.pk),
        {
            "nik": "3402095505200001",  # says 15-05-2020, girl
            "name": "Nur Prasetyo",
            "sex": "P",
            "birth_date": "2020-05-16",
            "relationship": "ANAK",
            "components": ["ANAK_USIA_DINI"],
        },
        follow=True,
    )
    assert household.members.get().name == "Nur Prasetyo"
    assert "Tanggal lahir di NIK" in response.content.decode()


@pytest.mark.parametrize(
    "nik,birth",
    [
        ("3.40209555052E+15", "2020-05-15"),
        ("340209555052000", "2020-05-15"),
        ("3402095505200001", "2099-01-01"),
    ],
)
def test_add_member_bad_input_saves_nothing(client, facilitator, nik, birth):
    household = HouseholdFactory(facilitator=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("member_create", household.pk),
        {"nik": nik, "name": "Nur", "sex": "P", "birth_date": birth, "relationship": "ANAK"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not household.members.exists()


def test_member_leaving_needs_a_reason(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    elder = household.members.get(relationship="KEPALA_KELUARGA")
    client.force_login(facilitator)
    data = {
        "name": elder.name,
        "sex": elder.sex,
        "birth_date": elder.birth_date.isoformat(),
        "relationship": elder.relationship,
        "left_on": TODAY().isoformat(),
    }
    response = client.post(url("member_edit", household.pk, elder.pk), data)
    assert response.status_code == 200 and "left_reason" in response.context["form"].errors
    response = client.post(
        url("member_edit", household.pk, elder.pk), {**data, "left_reason": "meninggal"}
    )
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.left_on == TODAY()


# --- team overview and reassignment ---------------------------------------------------------


def test_team_overview_counts(client, supervisor, facilitator, other_facilitator):
    a1 = HouseholdFactory(facilitator=facilitator, last_visit_on=TODAY())
    HouseholdFactory(facilitator=facilitator)  # never visited
    HouseholdFactory(
        facilitator=other_facilitator, last_visit_on=TODAY() - datetime.timedelta(days=45)
    )
    VisitFactory(household=a1, date=TODAY())
    client.force_login(supervisor)
    rows = {r.facilitator.pk: r for r in client.get(url("team_overview")).context["rows"]}
    assert (rows[facilitator.pk].households, rows[facilitator.pk].no_visit) == (2, 1)
    assert rows[facilitator.pk].visits_this_month == 1
    assert (rows[other_facilitator.pk].households, rows[other_facilitator.pk].no_visit) == (1, 1)


def test_team_overview_is_not_for_facilitators(client, facilitator):
    client.force_login(facilitator)
    assert client.get(url("team_overview")).status_code == 403


def test_team_overview_query_count(client, supervisor, django_assert_max_num_queries):
    from accounts.tests.factories import FacilitatorFactory

    def add_facilitators(n):
        for _ in range(n):
            households_bulk(5, facilitator=FacilitatorFactory(supervisor=supervisor))

    add_facilitators(2)
    client.force_login(supervisor)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url("team_overview")).status_code == 200
    add_facilitators(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("team_overview")).status_code == 200


def test_team_overview_pages_through_facilitators_with_totals_over_all(
    client, admin_user, supervisor, settings
):
    """An admin's region can hold hundreds of facilitators: one page at a time, with the
    totals of every page in the footer."""
    from accounts.tests.factories import FacilitatorFactory

    settings.PKH_TEAM_OVERVIEW_PAGE_SIZE = 2
    village = Region.objects.get(code="34.02.09.2001")
    facilitators = [
        FacilitatorFactory(supervisor=supervisor, first_name=name, areas=[village])
        for name in "ABCDE"
    ]
    for n, facilitator in enumerate(facilitators, start=1):
        households_bulk(n, facilitator=facilitator)
    VisitFactory(household=Household.objects.filter(facilitator=facilitators[4]).first())
    client.force_login(admin_user)
    seen = []
    for number in (1, 2, 3):
        response = client.get(url("team_overview"), {"page": number})
        seen += [(r.facilitator.first_name, r.households) for r in response.context["rows"]]
        assert response.context["totals"] == {"households": 15, "no_visit": 15, "visits": 1}
    assert seen == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]
    html = response.content.decode()
    assert "Halaman 3 dari 3" in html and "Jumlah (5 pendamping)" in html
    # A page number that is not one gives a page, never an error.
    for bad in ("x", "0", "999"):
        response = client.get(url("team_overview"), {"page": bad})
        assert response.status_code == 200
        assert len(response.context["rows"]) in (1, 2)


def test_admin_moves_families_in_bulk(client, admin_user, facilitator, other_facilitator):
    households = [household_with_members(facilitator=facilitator) for _ in range(3)]
    client.force_login(admin_user)
    page = client.get(url("transfer") + f"?from_facilitator={facilitator.pk}")
    assert len(page.context["households"]) == 3
    response = client.post(
        url("transfer"),
        {
            "from_facilitator": facilitator.pk,
            "to_facilitator": other_facilitator.pk,
            "reason": "Pendamping cuti melahirkan",
            "households": [households[0].pk, households[1].pk],
        },
    )
    assert response.status_code == 302
    assert Household.objects.filter(facilitator=other_facilitator).count() == 2
    history = client.get(url("transfer_history")).content.decode()
    assert "Pendamping cuti melahirkan" in history and households[0].id_keluarga in history


def test_transfer_with_nothing_selected_is_an_error(
    client, admin_user, facilitator, other_facilitator
):
    HouseholdFactory(facilitator=facilitator)
    client.force_login(admin_user)
    response = client.post(
        url("transfer"),
        {"from_facilitator": facilitator.pk, "to_facilitator": other_facilitator.pk},
    )
    assert response.status_code == 200
    assert "Pilih minimal satu keluarga." in response.content.decode()
    assert not HouseholdTransfer.objects.exists()


def test_transfer_of_a_family_outside_the_region_is_refused(
    client, admin_user, facilitator, other_facilitator, other_region_village
):
    outside = HouseholdFactory(village=other_region_village)
    client.force_login(admin_user)
    response = client.post(
        url("transfer"),
        {
            "from_facilitator": facilitator.pk,
            "to_facilitator": other_facilitator.pk,
            "households": [outside.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    outside.refresh_from_db()
    assert outside.facilitator != other_facilitator


@pytest.mark.parametrize("role_fixture", ["facilitator", "supervisor"])
def test_transfer_is_admin_only(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(url("transfer")).status_code == 403


def test_transfer_history_is_scoped(
    client, admin_user, other_region_admin, facilitator, other_facilitator
):
    from households.services import households_transfer

    household = HouseholdFactory(facilitator=facilitator)
    households_transfer(households=[household.pk], to_facilitator=other_facilitator, by=admin_user)
    client.force_login(other_region_admin)
    assert household.id_keluarga not in client.get(url("transfer_history")).content.decode()


# --- home / to-do -------------------------------------------------------------------------


def test_home_lists_due_follow_up_visits(client, facilitator, other_facilitator):
    mine = household_with_members(facilitator=facilitator)
    theirs = household_with_members(facilitator=other_facilitator)
    VisitFactory(household=mine, follow_up_date=TODAY() - datetime.timedelta(days=1))
    VisitFactory(household=theirs, follow_up_date=TODAY())
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    items = response.context["todo_items"]
    assert [i.url for i in items] == [url("detail", mine.pk)]
    assert items[0].overdue
    assert 'data-kind="visit_followup"' in response.content.decode()


def test_a_later_visit_clears_the_follow_up(client, facilitator):
    household = household_with_members(facilitator=facilitator)
    VisitFactory(
        household=household,
        date=TODAY() - datetime.timedelta(days=10),
        follow_up_date=TODAY() - datetime.timedelta(days=1),
    )
    VisitFactory(household=household, date=TODAY())
    client.force_login(facilitator)
    assert client.get(reverse("home")).context["todo_items"] == []


def test_indonesian_even_when_the_browser_asks_for_english(client, facilitator):
    client.force_login(facilitator)
    response = client.get(url("caseload"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Keluarga Saya" in response.content.decode()


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

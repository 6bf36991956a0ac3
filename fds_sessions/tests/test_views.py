import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import login
from fds_sessions import services
from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsModule,
    FdsModuleSession,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from households.models import Household, VisitPurpose
from households.tests.factories import VisitFactory, household_with_members, households_bulk
from regions.models import Region

pytestmark = pytest.mark.django_db

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def today():
    return timezone.localdate()


def jpeg(size=(1200, 900)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, format="JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def group(facilitator):
    return GroupFactory(facilitator=facilitator, name="Melati Patalan")


@pytest.fixture
def planned(group, facilitator):
    return services.session_plan(
        group=group, date=today(), module_session=curriculum(1)[0], by=facilitator
    )


# --- Group list -----------------------------------------------------------------------


def test_group_list_for_each_role(
    client, group, facilitator, supervisor, admin_user, other_facilitator, other_region_admin
):
    add_families(group, 2)
    url = reverse("fds_sessions:group_list")
    for user, sees in (
        (facilitator, True),
        (supervisor, True),
        (admin_user, True),
        (other_facilitator, False),
        (other_region_admin, False),
    ):
        response = login(client, user).get(url)
        assert response.status_code == 200
        assert (f'data-group="{group.pk}"' in response.content.decode()) is sees, user


def test_group_list_query_count_constant(
    client, facilitator, supervisor, admin_user, django_assert_max_num_queries
):
    def make(n):
        for i in range(n):
            g = GroupFactory(facilitator=facilitator, name=f"Kelompok {FdsGroup.objects.count()}")
            families = add_families(g, 2, bulk=True)
            held_session(g, today() - datetime.timedelta(days=i + 1), {h.pk: P for h in families})

    url = reverse("fds_sessions:group_list")
    for user in (facilitator, supervisor, admin_user):
        login(client, user)
        make(2)
        with django_assert_max_num_queries(12) as few:
            assert client.get(url).status_code == 200
        make(20)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200


def test_group_list_bad_period_does_not_crash(client, facilitator, group):
    response = login(client, facilitator).get(
        reverse("fds_sessions:group_list"), {"start": "2025-12-31", "end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "Tanggal awal harus sebelum tanggal akhir." in response.content.decode()
    response = client.get(reverse("fds_sessions:group_list"), {"start": "kemarin", "page": "x"})
    assert response.status_code == 200


# --- Group create / edit / families ---------------------------------------------------


def test_group_create_flow(client, facilitator):
    login(client, facilitator)
    url = reverse("fds_sessions:group_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Anggrek Patalan", "village": "34.02.09.2001", "meeting_place": "Balai"}
    )
    group = FdsGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fds_sessions:group_families", args=[group.pk])
    assert group.facilitator == facilitator


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "village": "34.02.09.2001"}, "tidak boleh kosong"),
        ({"name": "Anggrek", "village": "33.74.01.1001"}, "Masukkan pilihan yang valid"),
        ({"name": "Melati Patalan", "village": "34.02.09.2001"}, "sudah punya kelompok"),
    ],
)
def test_group_create_bad_input(client, facilitator, group, data, message):
    response = login(client, facilitator).post(reverse("fds_sessions:group_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FdsGroup.objects.count() == 1


def test_group_create_wrong_role_403(client, supervisor, admin_user):
    for user in (supervisor, admin_user):
        response = login(client, user).post(
            reverse("fds_sessions:group_create"), {"name": "X", "village": "34.02.09.2001"}
        )
        assert response.status_code == 403
    assert not FdsGroup.objects.exists()


def test_group_edit_sets_leader(client, group, facilitator):
    family = add_families(group, 2)[0]
    leader = family.members.get(is_pengurus=True)
    url = reverse("fds_sessions:group_edit", args=[group.pk])
    login(client, facilitator)
    assert leader.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Melati Baru",
            "village": group.village_id,
            "meeting_place": "Rumah ketua",
            "leader": leader.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.leader) == ("Melati Baru", leader)


def test_group_edit_refuses_archiving_with_families(client, group, facilitator):
    add_families(group, 1)
    response = login(client, facilitator).post(
        reverse("fds_sessions:group_edit", args=[group.pk]),
        {"name": group.name, "village": group.village_id, "meeting_place": ""},
    )
    assert response.status_code == 200
    assert "Pindahkan dulu semua keluarga" in response.content.decode()
    group.refresh_from_db()
    assert group.is_active


@pytest.mark.parametrize("name", ["group_edit", "group_families", "session_plan"], ids=lambda n: n)
def test_owner_pages_refuse_others(
    client, group, name, other_facilitator, other_team_facilitator, supervisor, admin_user
):
    url = reverse(f"fds_sessions:{name}", args=[group.pk])
    for user in (other_facilitator, other_team_facilitator):
        assert login(client, user).get(url).status_code == 404
        assert client.post(url, {"name": "Diambil"}).status_code == 404
    for user in (supervisor, admin_user):
        assert login(client, user).get(url).status_code == 403
    group.refresh_from_db()
    assert group.name == "Melati Patalan"


def test_group_families_add_and_remove(client, group, facilitator):
    other = GroupFactory(facilitator=facilitator, name="Kenanga")
    loose = household_with_members(facilitator=facilitator)
    elsewhere = add_families(other, 1)[0]
    url = reverse("fds_sessions:group_families", args=[group.pk])
    login(client, facilitator)
    page = client.get(url).content.decode()
    assert f'value="{loose.pk}"' in page and f'value="{elsewhere.pk}"' in page
    response = client.post(
        url,
        {"action": "add", "households": [loose.pk, elsewhere.pk], "on_date": today().isoformat()},
    )
    assert response.status_code == 302
    assert set(Household.objects.filter(fds_group=group)) == {loose, elsewhere}
    response = client.post(
        url, {"action": "remove", "households": [loose.pk], "on_date": today().isoformat()}
    )
    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.fds_group is None


def test_group_families_bad_input(client, group, facilitator, other_facilitator):
    theirs = household_with_members(facilitator=other_facilitator)
    mine = household_with_members(facilitator=facilitator)
    url = reverse("fds_sessions:group_families", args=[group.pk])
    login(client, facilitator)
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    for data, message in (
        ({"action": "add", "on_date": today().isoformat()}, "Pilih minimal satu keluarga."),
        (
            {"action": "add", "households": [theirs.pk], "on_date": today().isoformat()},
            "Masukkan pilihan yang valid",
        ),
        ({"action": "add", "households": [mine.pk], "on_date": tomorrow}, "masa depan"),
        (
            {"action": "hapus", "households": [mine.pk], "on_date": today().isoformat()},
            "pilihan yang valid",
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
    assert not GroupMembership.objects.exists()


# --- Group page -----------------------------------------------------------------------


def test_group_page_scoping(
    client,
    group,
    facilitator,
    supervisor,
    admin_user,
    other_facilitator,
    other_supervisor,
    other_region_admin,
):
    url = reverse("fds_sessions:group_detail", args=[group.pk])
    for user in (facilitator, supervisor, admin_user):
        assert login(client, user).get(url).status_code == 200
    for user in (other_facilitator, other_supervisor, other_region_admin):
        assert login(client, user).get(url).status_code == 404
    assert login(client, facilitator).get("/p2k2/kelompok/999999/").status_code == 404


def test_group_page_shows_figures(client, group, facilitator):
    families = add_families(group, 2, joined_on=datetime.date(2025, 1, 1))
    group.leader = families[0].members.get(is_pengurus=True)
    group.save()
    for item in FdsModuleSession.objects.filter(module__number=2):
        held_session(
            group,
            datetime.date(2025, 2, item.order),
            {families[0].pk: P, families[1].pk: A},
            module_session=item,
        )
    response = login(client, facilitator).get(
        reverse("fds_sessions:group_detail", args=[group.pk]),
        {"start": "2025-01-01", "end": "2025-12-31"},
    )
    page = response.content.decode()
    assert 'data-figure="group-rate">50%' in page
    assert 'data-figure="modules-completed">1<' in page
    assert "100% <span" in page and "0% <span" in page
    assert 'data-figure="no-session-this-month"' in page
    assert page.count('text-bg-success">Ketua</span>') == 1


def test_group_page_query_count_constant(client, facilitator, django_assert_max_num_queries):
    def build(n_families, n_months):
        g = GroupFactory(facilitator=facilitator, name=f"G{n_families}")
        families = add_families(g, n_families, joined_on=datetime.date(2024, 1, 1), bulk=True)
        items = curriculum()
        for m in range(n_months):
            day = datetime.date(2024 + m // 12, m % 12 + 1, 10)
            held_session(g, day, {h.pk: P for h in families}, module_session=items[m % len(items)])
        g.leader = families[0].members.get(is_pengurus=True)
        g.save()
        return g

    small, large = build(3, 2), build(30, 24)
    login(client, facilitator)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("fds_sessions:group_detail", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("fds_sessions:group_detail", args=[large.pk])).status_code == 200


# --- Sessions -------------------------------------------------------------------------


def test_session_plan_suggests_next_curriculum_session(client, group, facilitator):
    first, second = curriculum(2)
    held_session(group, today() - datetime.timedelta(days=30), {}, module_session=first)
    url = reverse("fds_sessions:session_plan", args=[group.pk])
    login(client, facilitator)
    page = client.get(url).content.decode()
    assert f'<option value="{second.pk}" selected>' in page
    response = client.post(
        url,
        {"date": (today() + datetime.timedelta(days=5)).isoformat(), "module_session": second.pk},
    )
    session = FdsSession.objects.get(status=SessionStatus.PLANNED)
    assert response.status_code == 302
    assert session.module_session == second


def test_session_plan_second_session_on_a_day_preselects_a_module(client, group, facilitator):
    # Regression: a demo group has held or planned all but one curriculum session; after
    # planning that one, a second session on the same day opened with the module blank.
    sessions = curriculum()
    for item in sessions[:-1]:
        held_session(group, today() - datetime.timedelta(days=60), {}, module_session=item)
    services.session_plan(group=group, date=today(), module_session=sessions[-1], by=facilitator)
    login(client, facilitator)
    page = client.get(reverse("fds_sessions:session_plan", args=[group.pk])).content.decode()
    # The one after the group's latest meeting (today's, the last one): the first again.
    assert f'<option value="{sessions[0].pk}" selected>' in page
    assert f'data-suggestion="{sessions[0].pk}"' in page
    assert "Disarankan mengulang" in page


def test_session_plan_second_session_on_a_day_suggests_the_next_one(client, group, facilitator):
    first, second, _third = curriculum(3)
    services.session_plan(group=group, date=today(), module_session=first, by=facilitator)
    login(client, facilitator)
    page = client.get(reverse("fds_sessions:session_plan", args=[group.pk])).content.decode()
    assert f'<option value="{second.pk}" selected>' in page
    assert "Disarankan mengulang" not in page


def test_session_plan_without_module_says_so_and_writes_nothing(client, group, facilitator):
    login(client, facilitator)
    url = reverse("fds_sessions:session_plan", args=[group.pk])
    response = client.post(url, {"date": today().isoformat(), "module_session": "", "place": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["module_session"] == [
        "Pilih modul dan sesi yang akan dibahas."
    ]
    assert 'id="error_1_id_module_session"' in response.content.decode()
    assert not FdsSession.objects.exists()


def test_session_plan_bad_input(client, group, facilitator):
    retired = curriculum(1)[0]
    retired.is_active = False
    retired.save()
    login(client, facilitator)
    url = reverse("fds_sessions:session_plan", args=[group.pk])
    for data in (
        {"date": "31/02/2025", "module_session": curriculum(1)[0].pk},
        {"date": today().isoformat(), "module_session": retired.pk},
        {"date": today().isoformat(), "module_session": "abc"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode()
    assert not FdsSession.objects.exists()


def test_session_edit_and_cancel(client, planned, facilitator, supervisor):
    login(client, facilitator)
    url = reverse("fds_sessions:session_edit", args=[planned.pk])
    assert client.get(url).status_code == 200
    second = curriculum(2)[1]
    response = client.post(
        url, {"date": today().isoformat(), "module_session": second.pk, "place": "Balai"}
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.module_session == second
    cancel = reverse("fds_sessions:session_cancel", args=[planned.pk])
    assert client.get(cancel).status_code == 405
    assert login(client, supervisor).post(cancel).status_code == 403
    assert login(client, facilitator).post(cancel).status_code == 302
    planned.refresh_from_db()
    assert planned.status == SessionStatus.CANCELLED
    # A second cancel is refused with a message, not a crash.
    response = client.post(cancel, follow=True)
    assert "Hanya pertemuan yang masih direncanakan" in response.content.decode()


def test_session_detail_scoping(
    client, planned, facilitator, supervisor, admin_user, other_facilitator, other_region_admin
):
    url = reverse("fds_sessions:session_detail", args=[planned.pk])
    for user in (facilitator, supervisor, admin_user):
        assert login(client, user).get(url).status_code == 200
    for user in (other_facilitator, other_region_admin):
        assert login(client, user).get(url).status_code == 404


# --- Attendance screen ----------------------------------------------------------------


def attendance_post(families, status=P, **extra):
    return {f"a{h.pk}": status for h in families} | {"notes": "Materi keuangan"} | extra


def test_attendance_screen_holds_session_and_second_submit_updates(
    client, planned, group, facilitator
):
    families = add_families(group, 3)
    url = reverse("fds_sessions:session_attendance", args=[planned.pk])
    login(client, facilitator)
    page = client.get(url).content.decode()
    for h in families:
        assert f'name="a{h.pk}"' in page
    assert page.count('type="radio"') == 12
    response = client.post(url, attendance_post(families, photo=jpeg()))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == SessionStatus.HELD and planned.photo
    data = attendance_post(families)
    data[f"a{families[1].pk}"] = A
    assert client.post(url, data).status_code == 302
    assert Attendance.objects.count() == 3
    assert Attendance.objects.get(household=families[1]).status == A
    # The prefilled screen shows the saved marks.
    page = client.get(url).content.decode()
    assert f'id="a{families[1].pk}-absent" value="absent" autocomplete="off" checked' in page
    detail = client.get(reverse("fds_sessions:session_detail", args=[planned.pk])).content
    assert b'data-audit="attendance"' in detail


def test_attendance_screen_missing_mark_writes_nothing(client, planned, group, facilitator):
    families = add_families(group, 3)
    data = attendance_post(families[:2])
    response = login(client, facilitator).post(
        reverse("fds_sessions:session_attendance", args=[planned.pk]), data
    )
    assert response.status_code == 200
    assert "Tandai kehadiran keluarga ini." in response.content.decode()
    assert not Attendance.objects.exists()
    planned.refresh_from_db()
    assert planned.status == SessionStatus.PLANNED


def test_attendance_screen_bad_status_and_stranger_ignored(client, planned, group, facilitator):
    families = add_families(group, 1)
    stranger = household_with_members(facilitator=facilitator)
    url = reverse("fds_sessions:session_attendance", args=[planned.pk])
    login(client, facilitator)
    response = client.post(url, {f"a{families[0].pk}": "terlambat"})
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    client.post(url, attendance_post(families) | {f"a{stranger.pk}": P})
    assert set(Attendance.objects.values_list("household_id", flat=True)) == {families[0].pk}


def test_attendance_screen_refuses_future_session(client, group, facilitator):
    families = add_families(group, 1)
    future = services.session_plan(
        group=group,
        date=today() + datetime.timedelta(days=3),
        module_session=curriculum(1)[0],
        by=facilitator,
    )
    url = reverse("fds_sessions:session_attendance", args=[future.pk])
    login(client, facilitator)
    assert "disabled" in client.get(url).content.decode()
    response = client.post(url, attendance_post(families))
    assert response.status_code == 200
    assert "masa depan" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "upload,message",
    [
        (SimpleUploadedFile("a.txt", b"bukan foto", content_type="text/plain"), "bukan foto"),
        ("big", "Foto terlalu besar"),
    ],
)
def test_attendance_screen_bad_photo(
    client, planned, group, facilitator, settings, upload, message
):
    if upload == "big":
        settings.PKH_FDS_PHOTO_MAX_BYTES = 2048
        upload = jpeg()
    families = add_families(group, 2)
    response = login(client, facilitator).post(
        reverse("fds_sessions:session_attendance", args=[planned.pk]),
        attendance_post(families, photo=upload),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'data-error="photo"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_screen_permissions(
    client, planned, supervisor, admin_user, other_facilitator, other_team_facilitator
):
    url = reverse("fds_sessions:session_attendance", args=[planned.pk])
    for user in (supervisor, admin_user):
        assert login(client, user).get(url).status_code == 403
    for user in (other_facilitator, other_team_facilitator):
        assert login(client, user).get(url).status_code == 404
        assert client.post(url, {}).status_code == 404


def test_attendance_screen_query_count_constant(
    client, group, facilitator, django_assert_max_num_queries
):
    small = services.session_plan(
        group=group, date=today(), module_session=curriculum(1)[0], by=facilitator
    )
    add_families(group, 3, bulk=True)
    login(client, facilitator)
    with django_assert_max_num_queries(8) as few:
        assert (
            client.get(reverse("fds_sessions:session_attendance", args=[small.pk])).status_code
            == 200
        )
    big_group = GroupFactory(facilitator=facilitator, name="Besar")
    add_families(big_group, 30, bulk=True)
    big = services.session_plan(
        group=big_group, date=today(), module_session=curriculum(1)[0], by=facilitator
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert (
            client.get(reverse("fds_sessions:session_attendance", args=[big.pk])).status_code == 200
        )


# --- Photos ---------------------------------------------------------------------------


def test_photo_served_only_in_scope(
    client, planned, group, facilitator, supervisor, other_facilitator, other_region_admin
):
    families = add_families(group, 1)
    services.session_hold(
        session=planned, attendance={families[0].pk: P}, photo=jpeg(), by=facilitator
    )
    planned.refresh_from_db()
    with pytest.raises(ValueError):
        planned.photo.url  # noqa: B018 - no public URL exists
    for size in ("kecil", "besar"):
        url = reverse("fds_sessions:session_photo", args=[planned.pk, size])
        for user in (facilitator, supervisor):
            response = login(client, user).get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert "private" in response["Cache-Control"]
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        for user in (other_facilitator, other_region_admin):
            assert login(client, user).get(url).status_code == 404
    assert (
        login(client, facilitator)
        .get(reverse("fds_sessions:session_photo", args=[planned.pk, "asli"]))
        .status_code
        == 404
    )


def test_photo_missing_is_404(client, planned, facilitator):
    url = reverse("fds_sessions:session_photo", args=[planned.pk, "kecil"])
    assert login(client, facilitator).get(url).status_code == 404


# --- Module catalogue pages -----------------------------------------------------------


def test_module_list_for_every_role(client, facilitator, supervisor, admin_user, catalogue_keeper):
    for user in (facilitator, supervisor, admin_user, catalogue_keeper):
        page = login(client, user).get(reverse("fds_sessions:module_list")).content.decode()
        assert "Pengasuhan dan Pendidikan Anak" in page
        assert ("Tambah sesi" in page) is (user == catalogue_keeper)  # the curriculum is national


def test_module_list_query_count_constant(
    client, admin_user, catalogue_keeper, django_assert_max_num_queries
):
    login(client, admin_user)
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("fds_sessions:module_list"))
    stunting = FdsModule.objects.get(number=6)
    for i in range(10):
        services.module_session_create(module=stunting, title=f"Sesi {i}", by=catalogue_keeper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("fds_sessions:module_list"))


def test_keeper_edits_catalogue_through_pages(client, catalogue_keeper):
    login(client, catalogue_keeper)
    stunting = FdsModule.objects.get(number=6)
    response = client.post(
        reverse("fds_sessions:module_session_create", args=[stunting.pk]),
        {"title": "Mengenal Stunting", "is_active": "on"},
    )
    assert response.status_code == 302
    item = FdsModuleSession.objects.get(module=stunting)
    assert item.order == 1
    response = client.post(
        reverse("fds_sessions:module_session_edit", args=[item.pk]),
        {"title": "Mengenal Stunting", "order": 1},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_active
    response = client.post(
        reverse("fds_sessions:module_create"),
        {"number": 7, "title": "Literasi Digital", "is_active": "on"},
    )
    assert response.status_code == 302
    module = FdsModule.objects.get(number=7)
    response = client.post(
        reverse("fds_sessions:module_edit", args=[module.pk]),
        {"number": 7, "title": "Literasi Digital Keluarga"},
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.title == "Literasi Digital Keluarga" and not module.is_active


def test_catalogue_bad_input(client, catalogue_keeper):
    login(client, catalogue_keeper)
    module = FdsModule.objects.get(number=1)
    for url, data, message in (
        (reverse("fds_sessions:module_create"), {"number": 1, "title": "Dobel"}, "sudah dipakai"),
        (reverse("fds_sessions:module_create"), {"number": "", "title": ""}, "tidak boleh kosong"),
        (
            reverse("fds_sessions:module_session_create", args=[module.pk]),
            {"title": "Dobel", "order": 1},
            "sudah dipakai",
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert FdsModule.objects.count() == 6
    assert module.sessions.count() == 4
    assert client.get("/p2k2/modul/9999/").status_code == 404


def test_catalogue_editing_wrong_role_403(
    client, facilitator, supervisor, admin_user, other_region_admin
):
    module = FdsModule.objects.get(number=1)
    item = module.sessions.first()
    for user in (facilitator, supervisor, admin_user, other_region_admin):
        login(client, user)
        for url in (
            reverse("fds_sessions:module_create"),
            reverse("fds_sessions:module_edit", args=[module.pk]),
            reverse("fds_sessions:module_session_create", args=[module.pk]),
            reverse("fds_sessions:module_session_edit", args=[item.pk]),
        ):
            assert client.get(url).status_code == 403
            assert client.post(url, {"title": "X", "number": 9}).status_code == 403
    assert FdsModule.objects.count() == 6


# --- Other apps' pages ----------------------------------------------------------------


def test_family_page_panel(client, group, facilitator, other_facilitator):
    family = add_families(group, 1, joined_on=datetime.date(today().year, 1, 1))[0]
    held_session(group, today(), {family.pk: P})
    page = login(client, facilitator).get(reverse("households:detail", args=[family.pk]))
    html = page.content.decode()
    assert 'data-panel="fds_sessions/family_panel.html"' in html
    assert group.name in html and "100% (1/1)" in html


def test_home_todo_lists_absent_twice_until_followup_visit(client, group, facilitator):
    family = add_families(group, 1)[0]
    held_session(group, today() - datetime.timedelta(days=40), {family.pk: A})
    held_session(group, today() - datetime.timedelta(days=10), {family.pk: A})
    login(client, facilitator)
    assert 'data-kind="fds_followup"' in client.get(reverse("home")).content.decode()
    VisitFactory(household=family, date=today(), purpose=VisitPurpose.FDS_FOLLOWUP)
    assert 'data-kind="fds_followup"' not in client.get(reverse("home")).content.decode()


def test_menu_entries(client, facilitator, admin_user):
    page = login(client, facilitator).get(reverse("home")).content.decode()
    assert reverse("fds_sessions:group_list") in page
    assert reverse("fds_sessions:module_list") not in page
    page = login(client, admin_user).get(reverse("home")).content.decode()
    assert reverse("fds_sessions:module_list") in page


def test_transfer_page_closes_group_membership(client, group, admin_user, other_facilitator):
    family = add_families(group, 1)[0]
    response = login(client, admin_user).post(
        reverse("households:transfer"),
        {
            "from_facilitator": group.facilitator_id,
            "to_facilitator": other_facilitator.pk,
            "households": [family.pk],
            "reason": "Pemerataan beban",
        },
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get(household=family).left_on == today()
    assert Region.objects.filter(code="34.02.09.2001").exists()


def test_followups_only_on_the_facilitators_list(client, group, supervisor, admin_user):
    family = add_families(group, 1)[0]
    held_session(group, today() - datetime.timedelta(days=40), {family.pk: A})
    held_session(group, today() - datetime.timedelta(days=10), {family.pk: A})
    page = login(client, group.facilitator).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' in page
    page = login(client, supervisor).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' not in page
    page = login(client, admin_user).get(reverse("home")).content.decode()
    assert 'data-kind="fds_followup"' not in page


@pytest.mark.parametrize("name", ["session_edit", "session_attendance", "session_cancel"])
def test_session_owner_pages_refuse_others(
    client, planned, name, other_facilitator, other_team_facilitator, supervisor, admin_user
):
    url = reverse(f"fds_sessions:{name}", args=[planned.pk])
    for user in (other_facilitator, other_team_facilitator):
        assert login(client, user).post(url, {"date": "2025-01-01"}).status_code == 404
    for user in (supervisor, admin_user):
        assert login(client, user).post(url, {"date": "2025-01-01"}).status_code == 403
    planned.refresh_from_db()
    assert planned.status == SessionStatus.PLANNED and planned.date == today()


def test_group_families_page_query_count_constant(
    client, facilitator, django_assert_max_num_queries
):
    small = GroupFactory(facilitator=facilitator, name="Kecil")
    add_families(small, 2, bulk=True)
    login(client, facilitator)
    url = reverse("fds_sessions:group_families", args=[small.pk])
    with django_assert_max_num_queries(6) as few:
        assert client.get(url).status_code == 200
    other = GroupFactory(facilitator=facilitator, name="Lain")
    add_families(other, 20, bulk=True)
    add_families(small, 20, bulk=True)
    households_bulk(5, facilitator=facilitator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_session_detail_query_count_constant(
    client, group, facilitator, supervisor, django_assert_max_num_queries
):
    few_families = add_families(group, 2, bulk=True)
    small = held_session(group, today(), {h.pk: P for h in few_families})
    big_group = GroupFactory(facilitator=facilitator, name="Besar")
    many = add_families(big_group, 30, bulk=True)
    big = held_session(big_group, today(), {h.pk: A for h in many})
    for user in (facilitator, supervisor):
        login(client, user)
        with django_assert_max_num_queries(10) as few:
            client.get(reverse("fds_sessions:session_detail", args=[small.pk]))
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("fds_sessions:session_detail", args=[big.pk]))

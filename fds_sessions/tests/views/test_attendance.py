"""The attendance screen: holding a session, marks, photo, permissions, query count."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login
from fds_sessions import services
from fds_sessions.models import Attendance, SessionStatus
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum
from fds_sessions.tests.views.helpers import A, P, jpeg, today
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


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

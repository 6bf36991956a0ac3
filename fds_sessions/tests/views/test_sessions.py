"""Planning, editing and cancelling sessions; a session's page."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions import services
from fds_sessions.models import FdsSession, SessionStatus
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from fds_sessions.tests.views.helpers import A, P, today

pytestmark = pytest.mark.django_db


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

"""Creating and editing a group and its families; owner pages refuse others."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions.models import FdsGroup, GroupMembership
from fds_sessions.tests.factories import GroupFactory, add_families
from fds_sessions.tests.views.helpers import today
from households.models import Household
from households.tests.factories import household_with_members, households_bulk

pytestmark = pytest.mark.django_db


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

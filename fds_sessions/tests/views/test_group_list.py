"""The group list: what each role sees, query count, a bad period."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions.models import FdsGroup
from fds_sessions.tests.factories import GroupFactory, add_families, held_session
from fds_sessions.tests.views.helpers import P, today

pytestmark = pytest.mark.django_db


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

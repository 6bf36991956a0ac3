"""A group's page: scoping, figures, query count."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions.models import FdsModuleSession
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from fds_sessions.tests.views.helpers import A, P

pytestmark = pytest.mark.django_db


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

"""The P2K2 module catalogue pages (a national catalogue)."""

import pytest
from django.urls import reverse

from conftest import login
from fds_sessions import services
from fds_sessions.models import FdsModule, FdsModuleSession

pytestmark = pytest.mark.django_db


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
    seeded = stunting.sessions.count()  # the sessions the data migration seeded
    response = client.post(
        reverse("fds_sessions:module_session_create", args=[stunting.pk]),
        {"title": "Gizi Remaja Putri", "is_active": "on"},
    )
    assert response.status_code == 302
    item = FdsModuleSession.objects.get(module=stunting, title="Gizi Remaja Putri")
    assert item.order == seeded + 1
    response = client.post(
        reverse("fds_sessions:module_session_edit", args=[item.pk]),
        {"title": "Gizi Remaja Putri", "order": seeded + 1},
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

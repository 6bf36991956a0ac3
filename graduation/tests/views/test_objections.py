"""The objections bank pages."""

import pytest

from graduation.models import (
    Objection,
)
from graduation.tests.factories import (
    objection,
)
from graduation.tests.views.helpers import as_user, url

pytestmark = pytest.mark.django_db


class TestObjectionPages:
    def test_curate_and_search(self, client, supervisor, facilitator):
        as_user(client, supervisor)
        response = client.post(
            url("objection_create"),
            {"argument": "Anak masih sekolah", "answer": "KIP tetap jalan", "tags": "pendidikan"},
        )
        item = Objection.objects.get()
        assert response.status_code == 302
        response = client.post(
            url("objection_edit", item.pk),
            {"argument": "Anak masih sekolah SMA", "answer": "KIP tetap jalan", "tags": ""},
        )
        item.refresh_from_db()
        assert item.argument == "Anak masih sekolah SMA"
        as_user(client, facilitator)
        found = client.get(url("objection_list") + "?q=kip")
        assert [o.pk for o in found.context["page"]] == [item.pk]
        assert client.get(url("objection_list") + "?q=sawah").context["page"].paginator.count == 0
        assert client.get(url("objection_detail", item.pk)).status_code == 200

    def test_facilitator_cannot_curate(self, client, facilitator, supervisor):
        item = objection(supervisor)
        as_user(client, facilitator)
        assert client.get(url("objection_create")).status_code == 403
        assert (
            client.post(
                url("objection_edit", item.pk), {"argument": "x", "answer": "y"}
            ).status_code
            == 403
        )
        assert client.post(url("objection_archive", item.pk)).status_code == 403
        item.refresh_from_db()
        assert not item.is_archived and item.argument != "x"

    def test_empty_input_refused(self, client, supervisor):
        response = as_user(client, supervisor).post(
            url("objection_create"), {"argument": "", "answer": ""}
        )
        assert response.status_code == 200 and response.context["form"].errors
        assert not Objection.objects.exists()

    def test_archive(self, client, supervisor):
        item = objection(supervisor)
        as_user(client, supervisor)
        client.post(url("objection_archive", item.pk), {"archived": "1"})
        assert client.get(url("objection_list")).context["page"].paginator.count == 0
        assert client.get(url("objection_list") + "?arsip=1").context["page"].paginator.count == 1
        client.post(url("objection_archive", item.pk), {"archived": "0"})
        item.refresh_from_db()
        assert not item.is_archived

    def test_list_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        objection(supervisor)
        as_user(client, facilitator)
        with django_assert_max_num_queries(8):
            client.get(url("objection_list"))
        for i in range(10):
            objection(supervisor, argument=f"Keberatan {i}")
        with django_assert_max_num_queries(8):
            client.get(url("objection_list"))

"""The pipeline board, list and family page; the graduation menu."""

import datetime

import pytest
from django.urls import reverse

from graduation.models import (
    PipelineEntry,
    PipelineEvent,
    Stage,
)
from graduation.selectors import targets as target_selectors
from graduation.services import pipeline as pipeline_services
from graduation.tests.factories import (
    assess,
    objection,
)
from graduation.tests.views.helpers import (
    TODAY,
    as_user,
    url,
)
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


class TestPipelinePages:
    def test_add_record_and_board(self, client, facilitator, household, supervisor):
        item = objection(supervisor)
        as_user(client, facilitator)
        page = client.get(url("pipeline_family", household.pk))
        assert page.status_code == 200 and page.context["add_form"] is not None
        response = client.post(
            url("pipeline_add", household.pk),
            {"stage": Stage.TARGETED, "date": TODAY().isoformat(), "note": "Target"},
        )
        assert response.status_code == 302
        response = client.post(
            url("pipeline_record", household.pk),
            {
                "stage": Stage.APPROACHED,
                "date": TODAY().isoformat(),
                "note": "Keluarga merasa belum siap",
                "objection": item.pk,
            },
        )
        assert response.status_code == 302
        entry = PipelineEntry.objects.get(household=household)
        assert entry.stage == Stage.APPROACHED
        assert entry.events.last().objection == item
        html = client.get(url("pipeline_family", household.pk)).content.decode()
        assert item.argument in html
        board = client.get(url("pipeline"))
        assert board.status_code == 200
        assert board.context["progress"]["target"] == target_selectors.default_quarter_target(
            target_selectors.quarter_of(TODAY())[1]
        )
        approached = next(c for c in board.context["columns"] if c["stage"] == Stage.APPROACHED)
        assert [e.household_id for e in approached["entries"]] == [household.pk]
        listing = client.get(url("pipeline") + "?tampilan=daftar")
        assert [e.household_id for e in listing.context["page"]] == [household.pk]

    def test_the_facilitator_filter_and_progress_follow_the_role(
        self, client, facilitator, other_facilitator, supervisor, household, other_household
    ):
        pipeline_services.pipeline_add(household=household, by=facilitator)
        pipeline_services.pipeline_add(household=other_household, by=other_facilitator)
        listing = url("pipeline") + f"?tampilan=daftar&pendamping={other_facilitator.pk}"
        # A facilitator gets no facilitator picker, no filter (only their own families)
        # and their quarter's progress.
        as_user(client, facilitator)
        board = client.get(url("pipeline"))
        assert board.context["facilitators"] is None and "progress" in board.context
        page = client.get(listing)
        assert page.context["facilitator"] is None
        assert [e.household_id for e in page.context["page"]] == [household.pk]
        # A supervisor picks a facilitator of the team and has no progress of their own.
        as_user(client, supervisor)
        board = client.get(url("pipeline"))
        assert facilitator in board.context["facilitators"] and "progress" not in board.context
        page = client.get(listing)
        assert page.context["facilitator"] == other_facilitator.pk
        assert [e.household_id for e in page.context["page"]] == [other_household.pk]

    def test_board_column_shows_the_longest_waiting(self, client, facilitator, monkeypatch):
        from graduation.views import pipeline

        monkeypatch.setattr(pipeline, "BOARD_COLUMN_SIZE", 2)
        families = [household_with_members(facilitator=facilitator) for _ in range(3)]
        for days, household in zip((5, 20, 10), families, strict=True):
            pipeline_services.pipeline_add(
                household=household, by=facilitator, date=TODAY() - datetime.timedelta(days=days)
            )
        board = as_user(client, facilitator).get(url("pipeline"))
        column = next(c for c in board.context["columns"] if c["stage"] == Stage.TARGETED)
        assert column["count"] == 3
        assert [e.household_id for e in column["entries"]] == [families[1].pk, families[2].pk]
        assert "?tahap=targeted" in board.content.decode()  # "see all" link

    def test_bad_record_changes_nothing(self, client, facilitator, household):
        pipeline_services.pipeline_add(household=household, by=facilitator)
        as_user(client, facilitator)
        for data in (
            {"stage": Stage.TARGETED, "date": TODAY().isoformat(), "note": ""},
            {"stage": Stage.GRADUATED, "date": TODAY().isoformat(), "note": "x"},
            {"stage": Stage.APPROACHED, "date": "kemarin", "note": "x"},
        ):
            response = client.post(url("pipeline_record", household.pk), data, follow=True)
            assert any(m.level_tag == "error" for m in response.context["messages"])
        entry = PipelineEntry.objects.get()
        assert entry.stage == Stage.TARGETED and entry.events.count() == 1

    def test_wrong_user(self, client, household, other_facilitator, supervisor, facilitator):
        pipeline_services.pipeline_add(household=household, by=facilitator)
        assert (
            as_user(client, other_facilitator).get(url("pipeline_family", household.pk)).status_code
            == 404
        )
        assert (
            as_user(client, other_facilitator)
            .post(
                url("pipeline_record", household.pk),
                {"stage": "approached", "date": TODAY().isoformat()},
            )
            .status_code
            == 404
        )
        assert (
            as_user(client, supervisor)
            .post(
                url("pipeline_record", household.pk),
                {"stage": "approached", "date": TODAY().isoformat()},
            )
            .status_code
            == 403
        )
        assert PipelineEvent.objects.count() == 1

    @pytest.mark.parametrize("view", ["board", "list"])
    def test_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries, view
    ):
        path = url("pipeline") + ("?tampilan=daftar" if view == "list" else "")

        def add(n):
            for _ in range(n):
                h = household_with_members(facilitator=facilitator)
                assess(h)
                pipeline_services.pipeline_add(household=h, by=facilitator)

        add(1)
        as_user(client, supervisor)
        with django_assert_max_num_queries(16):
            client.get(path)
        add(8)
        with django_assert_max_num_queries(16):
            response = client.get(path)
        assert response.status_code == 200


def test_menu_entries(client, facilitator, supervisor, admin_user):
    expectations = {
        facilitator: [url("pipeline")],
        supervisor: [url("review"), url("proposal_list")],
        admin_user: [url("form_list")],
    }
    for user, links in expectations.items():
        html = as_user(client, user).get(reverse("home")).content.decode()
        for link in links:
            assert f'href="{link}"' in html

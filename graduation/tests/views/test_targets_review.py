"""Targets, the three-monthly review and the ready list."""

import pytest

from graduation.models import (
    QuarterlyTarget,
    Stage,
)
from graduation.selectors import targets as target_selectors
from graduation.services import pipeline as pipeline_services
from graduation.services import targets as target_services
from graduation.tests.factories import (
    assess,
)
from graduation.tests.views.helpers import TODAY, as_user, graduate, submit, url
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


class TestTargetsAndReview:
    def test_targets_page(self, client, supervisor, facilitator, other_facilitator):
        as_user(client, supervisor)
        page = client.get(url("targets") + "?tahun=2026&triwulan=1")
        assert page.status_code == 200
        assert page.context["form"].initial[f"target_{facilitator.pk}"] == 3
        response = client.post(
            url("targets") + "?tahun=2026&triwulan=1",
            {f"target_{facilitator.pk}": "4", f"target_{other_facilitator.pk}": "2"},
        )
        assert response.status_code == 302
        assert (
            QuarterlyTarget.objects.get(facilitator=facilitator, year=2026, quarter=1).target == 4
        )

    @pytest.mark.parametrize("value", ["-1", "abc", ""])
    def test_bad_target_changes_nothing(
        self, client, supervisor, facilitator, other_facilitator, value
    ):
        response = as_user(client, supervisor).post(
            url("targets") + "?tahun=2026&triwulan=1",
            {f"target_{facilitator.pk}": value, f"target_{other_facilitator.pk}": "2"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not QuarterlyTarget.objects.exists()

    def test_wrong_role(self, client, facilitator, admin_user):
        for user in (facilitator, admin_user):
            as_user(client, user)
            assert client.get(url("targets")).status_code == 403
            assert client.get(url("review")).status_code == 403

    def test_review_numbers(
        self, client, supervisor, facilitator, other_facilitator, other_team_facilitator
    ):
        year, quarter = target_selectors.quarter_of(TODAY())
        target_services.targets_set(
            by=supervisor, year=year, quarter=quarter, targets={facilitator.pk: 4}
        )
        graduated = household_with_members(facilitator=facilitator)
        graduate(graduated, supervisor, days_ago=0)
        pending = household_with_members(facilitator=facilitator)
        assess(pending)
        submit(pending)
        ready = household_with_members(facilitator=other_facilitator)
        assess(ready, profile=5)
        not_ready = household_with_members(facilitator=other_facilitator)
        assess(not_ready, profile=0)
        targeted = household_with_members(facilitator=other_facilitator)
        assess(targeted, profile=5)
        pipeline_services.pipeline_add(household=targeted, by=other_facilitator)
        outsider = household_with_members(facilitator=other_team_facilitator)
        assess(outsider, profile=5)
        response = as_user(client, supervisor).get(url("review"))
        assert response.status_code == 200
        rows = {r.facilitator.pk: r for r in response.context["rows"]}
        assert set(rows) == {facilitator.pk, other_facilitator.pk}
        mine = rows[facilitator.pk]
        assert (
            mine.target,
            mine.target_is_default,
            mine.proposed,
            mine.approved,
            mine.pending,
        ) == (
            4,
            False,
            2,
            1,
            1,
        )
        assert mine.stages == {Stage.GRADUATED: 1, Stage.PROPOSED: 1}
        other = rows[other_facilitator.pk]
        assert other.target_is_default and other.ready_not_targeted == 1
        assert other.stages == {Stage.TARGETED: 1}
        ready_page = client.get(url("ready_list") + f"?pendamping={other_facilitator.pk}")
        assert [h.pk for h in ready_page.context["page"]] == [ready.pk]

    def test_review_query_count_constant(
        self, client, supervisor, facilitator, django_assert_max_num_queries
    ):
        from accounts.tests.factories import FacilitatorFactory

        def team_work(f):
            h = household_with_members(facilitator=f)
            assess(h)
            pipeline_services.pipeline_add(household=h, by=f)

        team_work(facilitator)
        as_user(client, supervisor)
        with django_assert_max_num_queries(14):
            client.get(url("review"))
        for _ in range(4):
            f = FacilitatorFactory(supervisor=supervisor)
            team_work(f)
            team_work(f)
        with django_assert_max_num_queries(14):
            response = client.get(url("review"))
        assert len(response.context["rows"]) == 5

    def test_ready_list_query_count(self, client, facilitator, django_assert_max_num_queries):
        assess(household_with_members(facilitator=facilitator))
        as_user(client, facilitator)
        with django_assert_max_num_queries(10):
            client.get(url("ready_list"))
        for _ in range(5):
            assess(household_with_members(facilitator=facilitator))
        with django_assert_max_num_queries(10):
            response = client.get(url("ready_list"))
        assert response.context["page"].paginator.count == 6

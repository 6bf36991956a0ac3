"""The selectors the quarterly reports reuse."""

import datetime

import pytest
from django.utils import timezone

from graduation.models import Stage
from graduation.selectors import review as review_selectors
from graduation.selectors import targets as target_selectors
from graduation.services import pipeline as pipeline_services
from graduation.services import proposals as proposal_services
from graduation.services import targets as target_services
from graduation.tests.factories import assess, pdf_upload
from households.models import ExitType
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


def test_quarter_bounds():
    assert target_selectors.quarter_bounds(2026, 1) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert target_selectors.quarter_bounds(2026, 4) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert target_selectors.quarter_of(datetime.date(2026, 8, 17)) == (2026, 3)


def _propose(household):
    assess(household)
    return proposal_services.proposal_submit(
        household=household, by=household.facilitator, reason="Usaha stabil", statement=pdf_upload()
    )


def test_report_selectors(
    facilitator, other_facilitator, other_team_facilitator, supervisor, other_supervisor, admin_user
):
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today
    approved = household_with_members(facilitator=facilitator)
    proposal_services.proposal_decide(
        proposal=_propose(approved), by=supervisor, approve=True, graduation_date=today
    )
    returned = household_with_members(facilitator=facilitator)
    proposal_services.proposal_decide(
        proposal=_propose(returned), by=supervisor, approve=False, comment="Kurang"
    )
    _propose(household_with_members(facilitator=other_facilitator))
    targeted = household_with_members(facilitator=other_facilitator)
    pipeline_services.pipeline_add(household=targeted, by=other_facilitator)
    outsider = household_with_members(facilitator=other_team_facilitator)
    proposal_services.proposal_decide(
        proposal=_propose(outsider), by=other_supervisor, approve=True, graduation_date=today
    )

    assert review_selectors.graduations_by_type(user=supervisor, start=start, end=end) == {
        ExitType.GRADUASI_MANDIRI: 1
    }
    assert review_selectors.graduations_by_type(user=admin_user, start=start, end=end) == {
        ExitType.GRADUASI_MANDIRI: 2
    }
    assert (
        review_selectors.graduations_by_type(
            user=supervisor,
            start=today + datetime.timedelta(days=1),
            end=end + datetime.timedelta(days=9),
        )
        == {}
    )
    assert review_selectors.graduations_by_facilitator(user=supervisor, start=start, end=end) == {
        facilitator.pk: {ExitType.GRADUASI_MANDIRI: 1}
    }
    assert review_selectors.pipeline_counts_by_stage(user=supervisor) == {
        facilitator.pk: {Stage.GRADUATED: 1, Stage.SUPPORTED: 1},
        other_facilitator.pk: {Stage.PROPOSED: 1, Stage.TARGETED: 1},
    }
    assert review_selectors.pipeline_counts_by_stage(user=facilitator) == {
        facilitator.pk: {Stage.GRADUATED: 1, Stage.SUPPORTED: 1}
    }
    counts = review_selectors.proposal_counts(user=supervisor, start=start, end=end)
    assert (
        counts[facilitator.pk].proposed,
        counts[facilitator.pk].approved,
        counts[facilitator.pk].returned,
    ) == (2, 1, 1)
    assert (counts[other_facilitator.pk].proposed, counts[other_facilitator.pk].pending) == (1, 1)
    assert other_team_facilitator.pk not in counts
    year, quarter = target_selectors.quarter_of(today)
    target_services.targets_set(
        by=supervisor, year=year, quarter=quarter, targets={facilitator.pk: 5}
    )
    default = target_selectors.default_quarter_target(quarter)
    assert target_selectors.quarterly_targets(user=supervisor, year=year, quarter=quarter) == {
        facilitator.pk: 5,
        other_facilitator.pk: default,
    }
    assert target_selectors.quarterly_targets(
        user=other_facilitator, year=year, quarter=quarter
    ) == {other_facilitator.pk: default}

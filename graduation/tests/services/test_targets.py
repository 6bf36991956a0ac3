"""Quarterly targets."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    QuarterlyTarget,
)
from graduation.selectors import targets as target_selectors
from graduation.services import targets as target_services

pytestmark = pytest.mark.django_db


class TestTargets:
    def test_default_spreads_the_yearly_target(self, settings):
        settings.PKH_GRADUATION_YEARLY_TARGET = 10
        assert [target_selectors.default_quarter_target(q) for q in (1, 2, 3, 4)] == [3, 3, 2, 2]

    def test_set(self, supervisor, facilitator, other_facilitator):
        target_services.targets_set(
            by=supervisor,
            year=2026,
            quarter=2,
            targets={facilitator.pk: 4, other_facilitator.pk: 0},
        )
        assert target_selectors.quarterly_targets(user=supervisor, year=2026, quarter=2) == {
            facilitator.pk: 4,
            other_facilitator.pk: 0,
        }
        target_services.targets_set(
            by=supervisor, year=2026, quarter=2, targets={facilitator.pk: 5}
        )
        assert QuarterlyTarget.objects.get(facilitator=facilitator).target == 5

    def test_negative_refused_nothing_changed(self, supervisor, facilitator, other_facilitator):
        with pytest.raises(ValidationError):
            target_services.targets_set(
                by=supervisor,
                year=2026,
                quarter=1,
                targets={facilitator.pk: 3, other_facilitator.pk: -1},
            )
        assert not QuarterlyTarget.objects.exists()

    def test_only_own_team(self, supervisor, other_team_facilitator, facilitator):
        with pytest.raises(PermissionDenied):
            target_services.targets_set(
                by=supervisor, year=2026, quarter=1, targets={other_team_facilitator.pk: 3}
            )
        with pytest.raises(PermissionDenied):
            target_services.targets_set(
                by=facilitator, year=2026, quarter=1, targets={facilitator.pk: 3}
            )
        assert not QuarterlyTarget.objects.exists()

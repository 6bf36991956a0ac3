"""Post-graduation monitoring."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from graduation.models import (
    Graduation,
    PipelineEntry,
    Stage,
)
from graduation.selectors import family as family_selectors
from graduation.services import graduations as graduation_services
from graduation.services import monitoring as monitoring_services
from graduation.services import proposals as proposal_services
from graduation.tests.factories import (
    assess,
)
from graduation.tests.services.helpers import TODAY, submit

pytestmark = pytest.mark.django_db


class TestMonitoring:
    @pytest.fixture
    def graduation(self, household, supervisor):
        assess(household)
        proposal = submit(household)
        day = TODAY() - datetime.timedelta(days=100)
        proposal_services.proposal_decide(
            proposal=proposal, by=supervisor, approve=True, graduation_date=day
        )
        return Graduation.objects.get(household=household)

    def test_due_dates(self, graduation):
        visits = list(graduation.monitoring_visits.order_by("months_after"))
        assert [v.due_on for v in visits] == [
            graduation_services.add_months(graduation.date, m) for m in (3, 6, 12)
        ]

    def test_record(self, graduation, facilitator):
        visit = graduation.monitoring_visits.get(months_after=3)
        monitoring_services.monitoring_record(
            visit=visit, by=facilitator, done_on=TODAY(), outcome="fallen_back", note="Usaha tutup"
        )
        visit.refresh_from_db()
        assert visit.outcome == "fallen_back" and visit.recorded_by == facilitator
        entry = PipelineEntry.objects.get(household=graduation.household)
        assert entry.stage == Stage.MONITORED
        summary = family_selectors.family_summary(household=graduation.household)
        assert summary.relapsed
        with pytest.raises(ValidationError):
            monitoring_services.monitoring_record(
                visit=visit, by=facilitator, done_on=TODAY(), outcome="self_reliant"
            )
        visit.refresh_from_db()
        assert visit.outcome == "fallen_back"

    def test_bad_outcome_and_other_user_refused(self, graduation, other_facilitator, facilitator):
        visit = graduation.monitoring_visits.get(months_after=3)
        with pytest.raises(PermissionDenied):
            monitoring_services.monitoring_record(
                visit=visit, by=other_facilitator, done_on=TODAY(), outcome="self_reliant"
            )
        with pytest.raises(ValidationError):
            monitoring_services.monitoring_record(
                visit=visit, by=facilitator, done_on=TODAY(), outcome="x"
            )
        visit.refresh_from_db()
        assert visit.done_on is None

    def test_add_months_clamps_month_end(self):
        assert graduation_services.add_months(datetime.date(2025, 11, 30), 3) == datetime.date(
            2026, 2, 28
        )
        assert graduation_services.add_months(datetime.date(2025, 1, 31), 12) == datetime.date(
            2026, 1, 31
        )

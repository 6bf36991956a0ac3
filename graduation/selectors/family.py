"""What the family page shows of graduation."""

from __future__ import annotations

from dataclasses import dataclass

from graduation.models import (
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    MonitoringOutcome,
    MonitoringVisit,
    PipelineEntry,
    ProposalStatus,
)
from graduation.selectors.assessments import assessment_latest
from graduation.selectors.pipeline import pipeline_entry
from households.models import Household


@dataclass
class FamilyGraduationSummary:
    latest: GraduationAssessment | None
    entry: PipelineEntry | None
    pending_proposal: GraduationProposal | None
    graduation: Graduation | None
    next_monitoring: MonitoringVisit | None
    relapsed: bool


def family_summary(*, household: Household) -> FamilyGraduationSummary:
    """What the family page shows of graduation: five small queries."""
    graduation = household.graduations.order_by("-date", "-pk").first()
    next_monitoring = None
    relapsed = False
    if graduation is not None:
        visits = list(graduation.monitoring_visits.all())
        next_monitoring = next((v for v in visits if v.done_on is None), None)
        relapsed = any(v.outcome == MonitoringOutcome.FALLEN_BACK for v in visits)
    return FamilyGraduationSummary(
        latest=assessment_latest(household=household),
        entry=pipeline_entry(household=household),
        pending_proposal=household.graduation_proposals.filter(
            status=ProposalStatus.PENDING
        ).first(),
        graduation=graduation,
        next_monitoring=next_monitoring,
        relapsed=relapsed,
    )

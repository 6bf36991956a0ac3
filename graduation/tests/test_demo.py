import io

import pytest

from graduation.demo import seed_graduation_demo
from graduation.models import (
    GraduationAssessment,
    GraduationProposal,
    Objection,
    PipelineEntry,
    ProposalStatus,
    QuarterlyTarget,
)
from households.tests.factories import household_with_members

pytestmark = pytest.mark.django_db


def counts():
    return (
        GraduationAssessment.objects.count(),
        PipelineEntry.objects.count(),
        GraduationProposal.objects.count(),
        QuarterlyTarget.objects.count(),
        Objection.objects.count(),
    )


def test_demo_seeder_is_idempotent(facilitator, other_facilitator):
    for _ in range(5):
        household_with_members(facilitator=facilitator)
        household_with_members(facilitator=other_facilitator)
    out = io.StringIO()
    seed_graduation_demo(stdout=out)
    first = counts()
    assert first[0] == 20  # two assessments per family, over time
    assert first[1] == 8  # four pipeline entries per facilitator
    assert GraduationProposal.objects.get().status == ProposalStatus.PENDING
    assert first[3] == 2 and first[4] >= 3
    seed_graduation_demo(stdout=out)
    assert counts() == first
    assert "graduation demo" in out.getvalue()

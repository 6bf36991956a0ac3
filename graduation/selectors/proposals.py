"""Reads of graduation proposals, scoped through ``pkh.scoping``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from graduation.models import GraduationProposal, ProposalStatus
from households.models import Household
from households.selectors import pengurus_name
from pkh.scoping import household_scope_q


def assessment_max_age_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.PKH_GRADUATION_ASSESSMENT_MAX_AGE_DAYS)


def proposal_list(*, user: User, status: str | None = None) -> QuerySet[GraduationProposal]:
    qs = GraduationProposal.objects.filter(household_scope_q(user, "household__"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "household__village", "household__facilitator", "assessment", "submitted_by", "decided_by"
    ).annotate(pengurus_name=pengurus_name("household"))


def proposal_queue(*, user: User, status: str | None = None) -> QuerySet[GraduationProposal]:
    """``proposal_list`` for the proposals page: pending proposals first, then the decided
    ones; newest first within each group."""
    return proposal_list(user=user, status=status).order_by(
        Case(When(status=ProposalStatus.PENDING, then=0), default=1), "-submitted_at", "-pk"
    )


def proposal_get(*, user: User, pk: int) -> GraduationProposal:
    qs = GraduationProposal.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__facilitator__supervisor", "assessment__form", "submitted_by", "decided_by"
    )
    return get_object_or_404(qs, pk=pk)


def proposal_history(*, household: Household) -> QuerySet[GraduationProposal]:
    return household.graduation_proposals.select_related(
        "submitted_by", "decided_by", "assessment"
    ).order_by("-submitted_at", "-pk")

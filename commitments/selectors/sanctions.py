"""Sanction proposals (suspension, cancellation) as their users may see them (scoped)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from commitments.models import SanctionProposal, SanctionStatus
from pkh.scoping import household_scope_q

PROPOSALS_SHOWN = 50


def sanction_get(*, user, pk: int) -> SanctionProposal:
    """One proposal of a family ``user`` may see, or 404."""
    qs = SanctionProposal.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__facilitator", "proposed_by", "decided_by"
    )
    return get_object_or_404(qs, pk=pk)


def sanctions_pending(*, user) -> QuerySet[SanctionProposal]:
    """Pending proposals of the families ``user`` oversees, oldest first (at most
    ``PROPOSALS_SHOWN``)."""
    return (
        SanctionProposal.objects.filter(
            household_scope_q(user, "household__"), status=SanctionStatus.PENDING
        )
        .select_related("household__facilitator", "proposed_by")
        .order_by("proposed_at", "id")[:PROPOSALS_SHOWN]
    )


def sanctions_pending_count(*, user) -> int:
    """How many proposals wait for a decision in ``user``'s scope (1 query)."""
    return SanctionProposal.objects.filter(
        household_scope_q(user, "household__"), status=SanctionStatus.PENDING
    ).count()


def household_sanctions(*, household) -> QuerySet[SanctionProposal]:
    return household.sanction_proposals.select_related("proposed_by", "decided_by").order_by(
        "-proposed_at", "-id"
    )


def sanction_history(*, proposal: SanctionProposal):
    """Each step of the proposal (proposed, confirmed / returned): who, when, status."""
    return proposal.history.select_related("history_user").order_by("history_date", "history_id")

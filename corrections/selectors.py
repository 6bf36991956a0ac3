"""Scoped reads of data corrections: a user sees the corrections of the families they
see (``pkh.scoping``); "not yours" and "does not exist" both answer 404."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from corrections.models import Correction, CorrectionExport, CorrectionKind, CorrectionStatus
from households.models import Household
from pkh.scoping import household_scope_q
from regions.models import Region, RegionLevel


def correction_scope(*, user: User) -> QuerySet[Correction]:
    return Correction.objects.filter(household_scope_q(user, "household__"))


def correction_list(*, user: User, view: str = "") -> QuerySet[Correction]:
    """The list page's rows, ready to render (one query per page).

    ``view``: ``"decide"`` the pending ones this user decides (a supervisor: the team's
    corrections that are not identity; an admin: every pending one of the region,
    identity first), ``"returned"``, ``"approved"``, ``"pending"``, or every one
    (``""``). A facilitator sees their own families' corrections."""
    qs = correction_scope(user=user).select_related(
        "household",
        "household__village",
        "household__facilitator",
        "member",
        "proposed_by",
        "decided_by",
    )
    if view == "decide":
        qs = qs.filter(status=CorrectionStatus.PENDING)
        if user.role == Role.SUPERVISOR:
            qs = qs.exclude(kind=CorrectionKind.IDENTITY)
        elif user.role != Role.ADMIN:
            return qs.none()
        return qs.order_by("proposed_at", "id")
    statuses = {
        "pending": CorrectionStatus.PENDING,
        "returned": CorrectionStatus.RETURNED,
        "approved": CorrectionStatus.APPROVED,
    }
    if view in statuses:
        qs = qs.filter(status=statuses[view])
    return qs.order_by("-proposed_at", "-id")


def correction_get(*, user: User, pk: int) -> Correction:
    return get_object_or_404(
        correction_list(user=user).select_related("household__facilitator__supervisor"), pk=pk
    )


def household_corrections(*, household: Household, limit: int = 20) -> list[Correction]:
    """The family page's panel: open ones first, then the latest decided."""
    qs = household.corrections.select_related("member", "proposed_by")
    return sorted(
        qs.order_by("-proposed_at", "-id")[:limit],
        key=lambda c: (not c.is_open,),
    )


def returned_to_facilitator(*, user: User) -> QuerySet[Correction]:
    """Corrections returned to this facilitator, waiting for them (to-do list)."""
    if user.role != Role.FACILITATOR:
        return Correction.objects.none()
    return (
        correction_scope(user=user)
        .filter(status=CorrectionStatus.RETURNED, proposed_by=user)
        .select_related("household", "member")
        .order_by("decided_at", "id")
    )


def waiting_for_decision(*, user: User) -> QuerySet[Correction]:
    """Pending corrections this supervisor or admin decides (to-do list)."""
    if user.role not in (Role.SUPERVISOR, Role.ADMIN):
        return Correction.objects.none()
    qs = correction_list(user=user, view="decide")
    if user.role == Role.ADMIN:
        # The supervisors decide the rest; an admin's to-do holds what only they can.
        qs = qs.filter(kind=CorrectionKind.IDENTITY)
    return qs


def deciders_for(*, correction: Correction) -> list[User]:
    """Who is told a correction waits: the facilitator's supervisor, or for identity the
    active admins whose areas hold the family's village."""
    if not correction.needs_admin:
        facilitator = correction.household.facilitator
        supervisor = facilitator.supervisor if facilitator else None
        return [supervisor] if supervisor and supervisor.is_active else []
    code = correction.household.village_id
    parts = code.split(".")
    prefixes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return list(
        User.objects.filter(role=Role.ADMIN, is_active=True, areas__code__in=prefixes)
        .distinct()
        .order_by("pk")
    )


def village_move_choices(*, household: Household) -> QuerySet[Region]:
    """Villages a family may move to: those of its own regency, bar its current one."""
    regency = ".".join(household.village_id.split(".")[:2])
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=f"{regency}.")
        .exclude(code=household.village_id)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def exportable(
    *, user: User, period_start: datetime.date, period_end: datetime.date
) -> QuerySet[Correction]:
    """Approved corrections of the user's region decided in the period, not yet exported."""
    return correction_scope(user=user).filter(
        status=CorrectionStatus.APPROVED,
        export__isnull=True,
        decided_at__date__gte=period_start,
        decided_at__date__lte=period_end,
    )


def export_rows_source(*, user: User, export: CorrectionExport) -> QuerySet[Correction]:
    """A batch's corrections the user may see, ready for the file (one query)."""
    return (
        correction_scope(user=user)
        .filter(export=export)
        .select_related("household", "member", "proposed_by", "decided_by")
        .order_by("decided_at", "id")
    )


def export_list(*, user: User) -> QuerySet[CorrectionExport]:
    """Batches holding at least one correction the user may see."""
    mine = correction_scope(user=user).filter(export=OuterRef("pk"))
    return CorrectionExport.objects.filter(Exists(mine)).select_related("created_by")


def export_get(*, user: User, pk: int) -> CorrectionExport:
    return get_object_or_404(export_list(user=user), pk=pk)


def pending_count(*, user: User) -> int:
    """For the weekly digest (notifications): the pending corrections this supervisor or
    admin may decide, i.e. the rows of the list's *Perlu keputusan* view the digest links
    to (an admin's include the team's non-identity ones). 1 query."""
    return correction_list(user=user, view="decide").count()

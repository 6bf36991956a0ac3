"""Advocacy cases, scoped through their family."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from assistance.models import CLOSED_CASE_STATUSES, AdvocacyCase
from households.models import Household, Member
from households.selectors import pengurus_name
from pkh.scoping import household_scope_q


def case_scope(*, user: User) -> QuerySet[AdvocacyCase]:
    return AdvocacyCase.objects.filter(household_scope_q(user, "household__"))


def case_list(
    *,
    user: User,
    status: str | None = None,
    open_only: bool = False,
    kind: str | None = None,
    household: int | None = None,
) -> QuerySet[AdvocacyCase]:
    qs = case_scope(user=user)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.exclude(status__in=CLOSED_CASE_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    if household:
        qs = qs.filter(household_id=household)
    return (
        qs.select_related("household__village", "member", "aid", "resource", "opened_by")
        .annotate(pengurus_name=pengurus_name("household"))
        .order_by("next_step_due", "-opened_on", "-id")
    )


def case_get(*, user: User, pk: int) -> AdvocacyCase:
    qs = case_scope(user=user).select_related(
        "household__village", "household__facilitator", "member", "aid", "resource__area"
    )
    return get_object_or_404(qs, pk=pk)


def case_history(*, case: AdvocacyCase) -> list:
    return list(
        AdvocacyCase.history.filter(id=case.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )


def cases_due(*, user: User, until: datetime.date) -> QuerySet[AdvocacyCase]:
    """Open cases whose next step is due by ``until`` (or has no date), for the to-do list."""
    return (
        case_scope(user=user)
        .exclude(status__in=CLOSED_CASE_STATUSES)
        .filter(Q(next_step_due__lte=until) | Q(next_step_due__isnull=True))
        .select_related("household", "aid")
        .annotate(pengurus_name=pengurus_name("household"))
        .order_by("next_step_due", "id")
    )


def household_cases(*, household: Household) -> QuerySet[AdvocacyCase]:
    return household.advocacy_cases.select_related("aid", "member", "resource").order_by(
        "-opened_on", "-id"
    )


def household_member_choices(*, household: Household) -> QuerySet[Member]:
    return household.members.filter(left_on__isnull=True).order_by("-is_pengurus", "birth_date")

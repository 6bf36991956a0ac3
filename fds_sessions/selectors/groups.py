"""Reads of FDS groups: which groups a user sees, the list page, one group, its
families (now and on a day) and the choices its forms offer."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.models import User
from fds_sessions.models import FdsGroup, FdsSession, GroupMembership, SessionStatus
from households.models import Household, HouseholdStatus, Member
from households.selectors import pengurus_name
from pkh.scoping import scope_q


def group_scope(*, user: User) -> QuerySet[FdsGroup]:
    """Groups ``user`` may see: their own, their team's, or those meeting in their region."""
    return FdsGroup.objects.filter(scope_q(user, village="village__code"))


def group_list(
    *, user: User, include_archived: bool = False, facilitator: int | None = None
) -> QuerySet[FdsGroup]:
    """Groups for the list page, each with its family count and last meeting date."""
    qs = group_scope(user=user)
    if not include_archived:
        qs = qs.filter(is_active=True)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    families = (
        Household.objects.filter(fds_group=OuterRef("pk"))
        .order_by()
        .values("fds_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_held = (
        FdsSession.objects.filter(group=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by("-date")
        .values("date")[:1]
    )
    return qs.select_related("facilitator", "village").annotate(
        family_count=Subquery(families), last_held_on=Subquery(last_held)
    )


def group_get(*, user: User, pk: int) -> FdsGroup:
    qs = group_scope(user=user).select_related("facilitator", "village", "leader")
    return get_object_or_404(qs, pk=pk)


def group_families(*, group: FdsGroup) -> QuerySet[Household]:
    """The group's current families, with their pengurus' name, by name."""
    return (
        Household.objects.filter(fds_group=group)
        .select_related("village")
        .annotate(pengurus_name=pengurus_name())
        .order_by("pengurus_name", "pk")
    )


def group_families_on(*, group: FdsGroup, day: datetime.date) -> QuerySet[Household]:
    """Families that were in the group on ``day`` (the attendance screen's rows)."""
    period = GroupMembership.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day),
        household=OuterRef("pk"),
        group=group,
        joined_on__lte=day,
    )
    return (
        Household.objects.filter(Exists(period))
        .select_related("village")
        .annotate(pengurus_name=pengurus_name())
        .order_by("pengurus_name", "pk")
    )


def family_choices_for(*, group: FdsGroup) -> QuerySet[Household]:
    """The group facilitator's active families not in this group (to add to it)."""
    return (
        Household.objects.filter(facilitator_id=group.facilitator_id, status=HouseholdStatus.ACTIVE)
        .exclude(fds_group=group)
        .select_related("village", "fds_group")
        .annotate(pengurus_name=pengurus_name())
        .order_by(F("fds_group_id").asc(nulls_first=True), "village__name", "pengurus_name", "pk")
    )


def leader_choices(*, group: FdsGroup) -> QuerySet[Member]:
    return (
        Member.objects.filter(household__fds_group=group, is_pengurus=True, left_on__isnull=True)
        .select_related("household")
        .order_by("name", "pk")
    )

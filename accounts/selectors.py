"""Reads of users, scoped: an admin sees the users of their region."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from pkh.scoping import area_q
from regions.models import Region, RegionLevel


def user_list(*, user: User, role: str | None = None) -> QuerySet[User]:
    """Users whose areas lie in the admin's region (of ``role`` if given); nobody for
    other roles."""
    if user.role != Role.ADMIN:
        return User.objects.none()
    in_region = User.areas.through.objects.filter(
        area_q(user.area_codes, village="region__code"), user_id=OuterRef("pk")
    )
    qs = User.objects.filter(Exists(in_region))
    if role:
        qs = qs.filter(role=role)
    return qs.select_related("supervisor").prefetch_related("areas").order_by("role", "username")


def user_get(*, user: User, pk: int) -> User:
    return get_object_or_404(user_list(user=user), pk=pk)


def supervisor_list(*, user: User, excluding: User | None = None) -> QuerySet[User]:
    """Active supervisors of the admin's region (without ``excluding``, the user being
    edited, who cannot supervise themself)."""
    qs = user_list(user=user, role=Role.SUPERVISOR).filter(is_active=True)
    return qs.exclude(pk=excluding.pk) if excluding is not None else qs


def area_choices(*, user: User) -> QuerySet[Region]:
    """Districts and villages of the admin's region that a user may be given as areas."""
    return Region.objects.filter(
        area_q(user.area_codes, village="code"),
        level__in=[RegionLevel.DISTRICT, RegionLevel.VILLAGE],
    )

"""Reads of users, scoped: an admin sees the users of their region."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from pkh.scoping import area_q


def user_list(*, user: User) -> QuerySet[User]:
    """Users whose areas lie in the admin's region; nobody for other roles."""
    if user.role != Role.ADMIN:
        return User.objects.none()
    in_region = User.areas.through.objects.filter(
        area_q(user.area_codes, village="region__code"), user_id=OuterRef("pk")
    )
    return (
        User.objects.filter(Exists(in_region))
        .select_related("supervisor")
        .prefetch_related("areas")
        .order_by("role", "username")
    )


def user_get(*, user: User, pk: int) -> User:
    return get_object_or_404(user_list(user=user), pk=pk)


def supervisor_list(*, user: User) -> QuerySet[User]:
    return user_list(user=user).filter(role=Role.SUPERVISOR, is_active=True)

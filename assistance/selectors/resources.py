"""The resource directory, scoped to the user's areas and the regions above them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from assistance.models import Resource
from households.selectors import household_scope
from pkh.scoping import NOTHING, area_q
from regions.models import Region


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def user_area_codes(*, user: User) -> list[str]:
    """The regions a user works in: their areas, and for facilitators and supervisors
    also the villages of the families they see."""
    codes = set(user.area_codes)
    if user.role in (Role.FACILITATOR, Role.SUPERVISOR):
        codes |= set(household_scope(user=user).values_list("village_id", flat=True).distinct())
    return sorted(codes)


def resource_scope_q(user: User, *, path: str = "area__code") -> Q:
    """Resources a user may see: in their areas, or in a region above them (Dinas
    Sosial of the regency serves every village in it)."""
    if not user.is_authenticated or not user.is_active or not user.role:
        return NOTHING
    codes = user_area_codes(user=user)
    above = {a for code in codes for a in _ancestors(code)}
    return area_q(codes, village=path) | Q(**{f"{path}__in": sorted(above)})


def resource_editable_q(user: User) -> Q:
    """Resources a supervisor or admin may maintain: those inside their own areas."""
    if user.role not in (Role.SUPERVISOR, Role.ADMIN) or not user.is_active:
        return NOTHING
    return area_q(user.area_codes, village="area__code")


def resource_list(
    *,
    user: User,
    aid: str | None = None,
    kind: str | None = None,
    area: str | None = None,
    active_only: bool = True,
) -> QuerySet[Resource]:
    qs = Resource.objects.filter(resource_scope_q(user))
    if active_only:
        qs = qs.filter(is_active=True)
    if aid:
        qs = qs.filter(aids=aid)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(Q(area_id=area) | Q(area__code__startswith=f"{area}."))
    return qs.select_related("area").prefetch_related("aids").order_by("area_id", "kind", "name")


def resource_get(*, user: User, pk: int, editable: bool = False) -> Resource:
    q = resource_editable_q(user) if editable else resource_scope_q(user)
    return get_object_or_404(Resource.objects.filter(q).select_related("area"), pk=pk)


def resource_choices(*, user: User) -> QuerySet[Resource]:
    """Active resources a user may pick when taking a case or a proposal somewhere."""
    return (
        Resource.objects.filter(resource_scope_q(user), is_active=True)
        .select_related("area")
        .order_by("area_id", "kind", "name")
    )


def area_choices(*, user: User) -> QuerySet[Region]:
    """Regions a supervisor or admin may place a resource in: their areas and below."""
    return Region.objects.filter(area_q(user.area_codes, village="code")).order_by("code")


def resource_editable_ids(*, user: User, resources: Iterable[Resource]) -> set[int]:
    """Which of ``resources`` (a page of the directory) ``user`` may change."""
    return set(
        Resource.objects.filter(
            resource_editable_q(user),
            pk__in=[r.pk for r in resources],
        ).values_list("pk", flat=True)
    )

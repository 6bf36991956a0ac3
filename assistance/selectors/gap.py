"""The coverage gap: subjects eligible for an aid but not receiving it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from assistance.models import Aid, AidEnrolment, AidStatus
from households.selectors import facilitator_list, pengurus_name
from pkh.scoping import area_q, household_scope_q, scope_q
from regions.models import Region


def _active_aids() -> QuerySet:
    return Aid.objects.filter(is_active=True).values("code")


def enrolment_scope_q(user: User) -> Q:
    """Rows ``user`` may see through the copy of the family's facilitator and village
    kept on each row (index-friendly). Lists of people also filter through the family
    itself (``household_scope_q``): a stale copy could then hide a row, never show one."""
    return scope_q(user, facilitator="facilitator", village="village__code")


MAX_VILLAGE_CHOICES = 1500


def area_is_large(*, user: User) -> bool:
    """An admin whose area holds more villages than one list can show (a province):
    pages then work by district (kecamatan) instead of village."""
    if user.role != Role.ADMIN:
        return False
    villages = Region.objects.filter(area_q(user.area_codes, village="code"), level=4)
    return villages.count() > MAX_VILLAGE_CHOICES


def gap_area_choices(*, user: User) -> list[tuple[str, str]]:
    """Regions to filter the gap page by, as ``(code, name)``.

    Facilitators and supervisors: the villages of their families (read from the aid
    rows' copy: an index-only scan). Admins: the villages of their area, or its
    districts (kecamatan) when the area is too large for one list (a province)."""
    if user.role == Role.ADMIN:
        area = Region.objects.filter(area_q(user.area_codes, village="code"))
        level = 3 if area_is_large(user=user) else 4
        return list(area.filter(level=level).order_by("name").values_list("code", "name"))
    codes = list(
        AidEnrolment.objects.filter(enrolment_scope_q(user), in_programme=True)
        .order_by()
        .values_list("village_id", flat=True)
        .distinct()
    )
    return list(Region.objects.filter(code__in=codes).order_by("name").values_list("code", "name"))


def aid_gap_list(
    *,
    user: User,
    aid: str | None = None,
    village: str | None = None,
    facilitator: int | None = None,
) -> QuerySet[AidEnrolment]:
    """Families and members eligible for an aid but not receiving it (nor proposed),
    in active families, scoped, in family order. Lean (no joins for display): page
    through its pks and load a page with ``aid_gap_rows``, or add the display joins
    with ``aid_gap_details`` to stream it (export).

    ``village`` is a village code, or a district code (every village in it)."""
    qs = AidEnrolment.objects.filter(
        enrolment_scope_q(user),
        household_scope_q(user, "household__"),
        status=AidStatus.ELIGIBLE,
        in_programme=True,
        aid_id__in=_active_aids(),
    )
    if aid:
        qs = qs.filter(aid_id=aid)
    if village:
        qs = qs.filter(Q(village_id=village) | Q(village__code__startswith=f"{village}."))
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    return qs.order_by("household_id", "aid_id", "member_id")


def aid_gap_details(qs: QuerySet[AidEnrolment]) -> QuerySet[AidEnrolment]:
    """What the gap page and export show of each row, joined in the same query."""
    return qs.select_related(
        "aid", "member", "household__village", "household__facilitator"
    ).annotate(pengurus_name=pengurus_name("household"))


def aid_gap_rows(*, ids: list[int]) -> list[AidEnrolment]:
    """One page of the gap list (``ids`` from a page of ``aid_gap_list``), in order.

    Paging over the lean query first and joining only the page's rows keeps a
    supervisor's or an admin's page as cheap as a facilitator's."""
    rows = {r.pk: r for r in aid_gap_details(AidEnrolment.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def aid_gap_ids(
    *,
    user: User,
    aid: str | None = None,
    village: str | None = None,
    facilitator: int | None = None,
) -> QuerySet:
    """The ids of ``aid_gap_list``, in its order: what the gap page pages over."""
    return aid_gap_list(user=user, aid=aid, village=village, facilitator=facilitator).values_list(
        "pk", flat=True
    )


def gap_facilitator_choices(*, user: User) -> list[tuple[int, str]] | None:
    """The facilitators a supervisor or admin may filter the gap by, as ``(pk, name)``;
    ``None`` for a facilitator (no such filter)."""
    facilitators = None
    if user.role != Role.FACILITATOR:
        facilitators = [
            (pk, " ".join(f"{first} {last}".split()) or username)
            for pk, first, last, username in facilitator_list(user=user)
            .order_by("first_name", "last_name", "username")
            .values_list("pk", "first_name", "last_name", "username")
        ]
    return facilitators

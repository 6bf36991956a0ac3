"""Reads of complementary aid, always scoped to what the user may see.

The coverage figures (``aid_coverage_by_facilitator``, ``aid_coverage_by_village``) are
the ones the quarterly reports reuse: one aggregate query over the materialised
``AidEnrolment`` rows, whatever the number of families.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from assistance.models import (
    CLOSED_CASE_STATUSES,
    AdvocacyCase,
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    CoverageCount,
    EligibilityRule,
    Resource,
)
from households.models import Household, HouseholdStatus, Member
from households.selectors import household_scope, pengurus_name
from pkh.scoping import NOTHING, area_q, household_scope_q, scope_q
from regions.models import Region

COUNTED_STATUSES = (AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED)


def today() -> datetime.date:
    return timezone.localdate()


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# ---------------------------------------------------------------- catalogue


def aid_list(*, active_only: bool = False) -> QuerySet[Aid]:
    qs = Aid.objects.prefetch_related("components")
    return qs.filter(is_active=True) if active_only else qs


def aid_get(*, code: str) -> Aid:
    return get_object_or_404(Aid.objects.prefetch_related("components"), code=code)


def age_limit_problem(*, aid: Aid, birth_date: datetime.date, on: datetime.date) -> str | None:
    """Why a member of this birth date cannot have ``aid`` at all, or None."""
    from django.utils.translation import gettext as _

    age = age_on(birth_date, on)
    too_young = aid.min_age is not None and age < aid.min_age
    too_old = aid.max_age is not None and age > aid.max_age
    if not (too_young or too_old):
        return None
    if aid.min_age is not None and aid.max_age is not None:
        limits = _("usia %(min)d-%(max)d tahun") % {"min": aid.min_age, "max": aid.max_age}
    elif aid.min_age is not None:
        limits = _("usia minimal %(min)d tahun") % {"min": aid.min_age}
    else:
        limits = _("usia maksimal %(max)d tahun") % {"max": aid.max_age}
    return _("%(aid)s hanya untuk %(limits)s; anggota ini berusia %(age)d tahun.") % {
        "aid": aid.code,
        "limits": limits,
        "age": age,
    }


def member_rule_eligible(
    *, aid: Aid, component_codes: set[str], birth_date: datetime.date, on: datetime.date
) -> bool:
    """The catalogue rule for one active member of an active family (per-member aid)."""
    if aid.eligibility == EligibilityRule.ASSESSED:
        return False
    if age_limit_problem(aid=aid, birth_date=birth_date, on=on):
        return False
    if aid.eligibility == EligibilityRule.COMPONENTS:
        return bool(component_codes & {c.code for c in aid.components.all()})
    return True


# ---------------------------------------------------------------- family panel


@dataclass
class PanelLine:
    aid: Aid
    member: Member | None
    status: str
    status_label: str
    enrolment: AidEnrolment | None
    history: list = field(default_factory=list)


@dataclass
class PanelAid:
    aid: Aid
    lines: list[PanelLine]


def household_aid_panel(*, household: Household, on: datetime.date | None = None) -> list[PanelAid]:
    """Per active aid, one line per subject: the family, or each active member who can
    have the aid (within its age limits). A subject without a stored row shows what the
    rule says. Five queries whatever the family's size."""
    on = on or today()
    aids = list(aid_list(active_only=True))
    members = list(
        household.members.filter(left_on__isnull=True)
        .prefetch_related("components")
        .order_by("-is_pengurus", "birth_date")
    )
    rows = {
        (e.aid_id, e.member_id): e
        for e in AidEnrolment.objects.filter(household=household).select_related("office")
    }
    history = defaultdict(list)
    for record in (
        AidEnrolment.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:200]
    ):
        history[record.id].append(record)
    family_active = household.status == HouseholdStatus.ACTIVE
    labels = dict(AidStatus.choices)
    panel = []
    for aid in aids:
        lines = []
        if aid.unit == AidUnit.FAMILY:
            subjects = [None]
        else:
            subjects = [
                m
                for m in members
                if (aid.code, m.pk) in rows
                or not age_limit_problem(aid=aid, birth_date=m.birth_date, on=on)
            ]
        for member in subjects:
            row = rows.get((aid.code, member.pk if member else None))
            if row:
                status = row.status
            elif member is None:
                status = (
                    AidStatus.ELIGIBLE
                    if family_active and aid.eligibility == EligibilityRule.EVERY
                    else AidStatus.NOT_ELIGIBLE
                )
            else:
                eligible = family_active and member_rule_eligible(
                    aid=aid,
                    component_codes={c.code for c in member.components.all()},
                    birth_date=member.birth_date,
                    on=on,
                )
                status = AidStatus.ELIGIBLE if eligible else AidStatus.NOT_ELIGIBLE
            lines.append(
                PanelLine(
                    aid=aid,
                    member=member,
                    status=status,
                    status_label=labels[status],
                    enrolment=row,
                    history=history.get(row.pk, []) if row else [],
                )
            )
        panel.append(PanelAid(aid=aid, lines=lines))
    return panel


def enrolment_for(*, household: Household, aid: Aid, member: Member | None) -> AidEnrolment | None:
    return AidEnrolment.objects.filter(household=household, aid=aid, member=member).first()


# ---------------------------------------------------------------- coverage gap


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


# ---------------------------------------------------------------- coverage figures


@dataclass(slots=True)
class AidCoverage:
    """One aid's figures for a group of subjects (families or members)."""

    aid: str
    receiving: int
    not_receiving: int
    proposed: int

    @property
    def eligible(self) -> int:
        """Subjects the aid is for: receiving, eligible but not receiving, and proposed."""
        return self.receiving + self.not_receiving + self.proposed

    @property
    def percent(self) -> float | None:
        """Percentage receiving, one decimal; None when nobody is eligible."""
        return round(100 * self.receiving / self.eligible, 1) if self.eligible else None


@dataclass(slots=True)
class CoverageRow:
    key: str | int | None  # facilitator pk, village code, or None (unassigned)
    label: str
    aids: dict[str, AidCoverage]


def _coverage(
    *,
    user: User,
    group_by: str,
    label_fields: tuple[str, ...],
    aids: list[str] | None,
    district: bool = False,
) -> tuple[dict, dict]:
    """One aggregate over the rollup rows in scope (``CoverageCount``, kept by the
    services from the aid rows): tens of thousands of rows for a whole province
    instead of a million enrolments; the group's labels come in the same query.
    Counts only, no personal data. Returns ``({key: {aid: AidCoverage}}, {key: labels})``."""
    qs = CoverageCount.objects.filter(
        scope_q(user, facilitator="facilitator", village="village__code"),
        aid_id__in=_active_aids(),
    )
    if aids:
        qs = qs.filter(aid_id__in=aids)
    if district:  # the district code is the village code's first 8 characters
        qs = qs.annotate(district=Substr("village_id", 1, 8))
    rows = (
        qs.values_list(group_by, *label_fields, "aid_id")
        .annotate(r=Sum("receiving"), n=Sum("not_receiving"), p=Sum("proposed"))
        .order_by()
    )
    grouped: dict = defaultdict(dict)
    labels: dict = {}
    width = len(label_fields)
    for key, *rest in rows:
        aid, r, n, p = rest[width:]
        grouped[key][aid] = AidCoverage(aid, r, n, p)
        labels[key] = rest[:width]
    return grouped, labels


def aid_coverage_by_facilitator(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per facilitator in the user's scope: for each aid, subjects receiving,
    eligible but not receiving, and proposed, and the percentage receiving.

    One query. Families without a facilitator form a row with ``key=None``. Ordered by
    facilitator name.
    """
    from django.utils.translation import gettext as _

    grouped, labels = _coverage(
        user=user,
        group_by="facilitator_id",
        label_fields=("facilitator__first_name", "facilitator__last_name", "facilitator__username"),
        aids=aids,
    )
    rows = []
    for key, figures in grouped.items():
        first, last, username = labels[key]
        label = " ".join(f"{first or ''} {last or ''}".split()) or username
        rows.append(CoverageRow(key, label if key else _("(tanpa pendamping)"), figures))
    return sorted(rows, key=lambda r: (r.key is None, r.label.lower()))


def aid_coverage_by_village(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per village in the user's scope (same figures as per facilitator).

    One query. Ordered by village code.
    """
    grouped, labels = _coverage(
        user=user, group_by="village_id", label_fields=("village__name",), aids=aids
    )
    return [CoverageRow(k, labels[k][0], grouped[k]) for k in sorted(grouped)]


def aid_coverage_by_district(*, user: User, aids: list[str] | None = None) -> list[CoverageRow]:
    """Coverage per district (kecamatan) in the user's scope: the villages' figures
    summed, for areas too large to list village by village (an admin's province).

    Two queries. Ordered by district code.
    """
    grouped, _labels = _coverage(
        user=user, group_by="district", label_fields=(), aids=aids, district=True
    )
    names = dict(Region.objects.filter(code__in=list(grouped)).values_list("code", "name"))
    return [CoverageRow(k, names.get(k, k), grouped[k]) for k in sorted(grouped)]


def coverage_total(rows: list[CoverageRow]) -> dict[str, AidCoverage]:
    """Sum of coverage rows per aid (the "all" line of a table)."""
    totals: dict[str, AidCoverage] = {}
    for row in rows:
        for code, c in row.aids.items():
            t = totals.get(code)
            if t is None:
                totals[code] = AidCoverage(code, c.receiving, c.not_receiving, c.proposed)
            else:
                t.receiving += c.receiving
                t.not_receiving += c.not_receiving
                t.proposed += c.proposed
    return totals


# ---------------------------------------------------------------- resource directory


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


# ---------------------------------------------------------------- advocacy cases


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

"""What a month asks of a caseload: every commitment due, grouped the way a facilitator
collects them in the field (by school for education, by health facility for health).

A member owes a commitment in a month for each component they hold that has one
(``Rules.components``) and that counts on some day of the month under the component
rules (``counts_in_month``: an ibu hamil until the month her nifas ends, anak usia dini
until the month of the end age), while they are in the family (not left before the
month) and the family is active or suspended. The components are today's (the registry
keeps no dated components); a month already entered also shows the components of its
entries, so a member who changed component keeps their past months as they were
entered.

Where: the enrolment period (``Enrolment``) overlapping the month, the latest one when
several do (a move in the month: the new school); without one, the place of the month's
entry; without either, the member is listed as "no school / facility known yet".

Every function here costs a fixed number of queries whatever the caseload.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from commitments import rules as r
from commitments.models import (
    Enrolment,
    HealthFacility,
    School,
    Sector,
    VerificationEntry,
)
from commitments.rules import Rules
from households.components import component_fits_q
from households.models import Component, Household, HouseholdStatus, Member
from households.selectors import household_scope

# Where a member is verified, as a key: (kind, place id). Kinds appear in URLs.
SCHOOL = "sekolah"
FACILITY = "faskes"
NOT_ENROLLED = "tidak-terdaftar"  # a period begun by "not enrolled": place id 0
UNKNOWN = "belum-ada"  # no enrolment recorded: place id 0
PLACE_KINDS = (SCHOOL, FACILITY, NOT_ENROLLED)

VERIFIED_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED)


def current_month(today: datetime.date) -> datetime.date:
    """The month a facilitator is verifying now: last month until its entries are due
    (``PKH_COMMITMENT_ENTRY_DUE_DAY``), this month after."""
    this = today.replace(day=1)
    if today.day <= settings.PKH_COMMITMENT_ENTRY_DUE_DAY:
        return r.month_add(this, -1)
    return this


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def sector_of(component: str, rules: Rules) -> str:
    return Sector.EDUCATION if r.is_education(component, rules) else Sector.HEALTH


@dataclass
class DueItem:
    member: Member  # with ``household`` loaded
    component: Component
    sector: str
    age_months: int
    required: tuple[str, ...]  # health items asked (empty for education)
    enrolment: Enrolment | None
    entry: VerificationEntry | None

    @property
    def key(self) -> tuple[str, int]:
        e = self.enrolment
        if e is not None:
            if not e.is_enrolled:
                return (NOT_ENROLLED, 0)
            return (SCHOOL, e.school_id) if e.school_id else (FACILITY, e.facility_id)
        if self.entry is not None:
            if self.entry.school_id:
                return (SCHOOL, self.entry.school_id)
            if self.entry.facility_id:
                return (FACILITY, self.entry.facility_id)
            if not self.entry.enrolled:
                return (NOT_ENROLLED, 0)
        return (UNKNOWN, 0)

    @property
    def grade(self) -> str:
        return self.enrolment.grade if self.enrolment else ""


@dataclass
class PlaceGroup:
    kind: str
    sector: str
    place: School | HealthFacility | None
    items: list[DueItem] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.place.pk if self.place else 0

    @property
    def due(self) -> int:
        return len(self.items)

    @property
    def entered(self) -> int:
        return sum(1 for i in self.items if i.entry is not None)

    @property
    def complete(self) -> bool:
        return self.entered == self.due


def caseload(*, user, facilitator_id: int | None = None) -> QuerySet[Household]:
    """The families whose commitments ``user`` verifies or oversees (scoped)."""
    qs = household_scope(user=user).filter(status__in=VERIFIED_STATUSES)
    if facilitator_id:
        qs = qs.filter(facilitator_id=facilitator_id)
    return qs


def counts_in_month(month: datetime.date) -> Q:
    """Member-component rows that count on some day of ``month`` under the component
    rules (``households.components``): each rule either ends (ibu hamil after nifas,
    anak usia dini at the end age, school age) or begins (lansia), so on its first day
    or on its last. An ibu hamil is due up to the month her nifas ends; the newborn,
    registered with ANAK_USIA_DINI, is due from the month of birth."""
    return component_fits_q(month) | component_fits_q(month_end(month))


def _in_month(month: datetime.date) -> Q:
    """Enrolment periods overlapping the month."""
    return Q(start_on__lte=month_end(month)) & (Q(end_on__isnull=True) | Q(end_on__gte=month))


def month_due(
    *,
    user,
    month: datetime.date,
    facilitator_id: int | None = None,
    place: tuple[str, int] | None = None,
    rules: Rules | None = None,
) -> list[DueItem]:
    """Every commitment due in ``month`` for the families ``user`` may see, one item per
    member and component, ordered by member name. ``place`` narrows to one school or
    facility (``(SCHOOL, pk)`` ...). Five queries."""
    rules = rules or Rules.from_settings()
    links = Member.components.through.objects.filter(
        counts_in_month(month), component_id__in=rules.components
    )
    entries = VerificationEntry.objects.filter(month=month)
    if place is not None:
        kind, pk = place
        periods = Enrolment.objects.filter(_in_month(month))
        if kind == SCHOOL:
            periods, entries_here = periods.filter(school_id=pk), entries.filter(school_id=pk)
        elif kind == FACILITY:
            periods = periods.filter(facility_id=pk)
            entries_here = entries.filter(facility_id=pk)
        else:
            periods = periods.filter(change="tidak_terdaftar")
            entries_here = entries.filter(enrolled=False)
        near = Exists(periods.filter(member=OuterRef("pk"))) | Exists(
            entries_here.filter(member=OuterRef("pk"))
        )
    else:
        near = Q()
    members_qs = (
        Member.objects.filter(household__in=caseload(user=user, facilitator_id=facilitator_id))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=month))
        .filter(birth_date__lte=month_end(month))
        .filter(
            Exists(links.filter(member=OuterRef("pk")))
            | Exists(entries.filter(member=OuterRef("pk")))
        )
        .filter(near)
    )
    members = {
        m.pk: m for m in members_qs.select_related("household").order_by("name_normalized", "pk")
    }
    if not members:
        return []
    ids = list(members)
    held: dict[int, set[str]] = {}
    for member_id, code in links.filter(member_id__in=ids).values_list("member_id", "component_id"):
        held.setdefault(member_id, set()).add(code)
    month_entries: dict[tuple[int, str], VerificationEntry] = {
        (e.member_id, e.component_id): e for e in entries.filter(member_id__in=ids)
    }
    for member_id, code in month_entries:
        held.setdefault(member_id, set()).add(code)
    periods: dict[tuple[int, str], Enrolment] = {}
    for e in (
        Enrolment.objects.filter(_in_month(month), member_id__in=ids)
        .select_related("school", "facility")
        .order_by("start_on", "id")
    ):
        periods[(e.member_id, e.sector)] = e  # the latest overlapping period wins
    catalogue = {c.code: c for c in Component.objects.all()}
    items = []
    for member_id, member in members.items():
        age = r.age_in_months(member.birth_date, month)
        for code in sorted(held.get(member_id, ()), key=lambda c: catalogue[c].order):
            sector = sector_of(code, rules)
            items.append(
                DueItem(
                    member=member,
                    component=catalogue[code],
                    sector=sector,
                    age_months=age,
                    required=r.required_items(code, age, rules),
                    enrolment=periods.get((member_id, sector)),
                    entry=month_entries.get((member_id, code)),
                )
            )
    if place is not None:
        items = [i for i in items if i.key == place]
    return items


def place_groups(items: list[DueItem]) -> dict[str, list[PlaceGroup]]:
    """``{sector: [PlaceGroup]}``: schools / facilities by name, the groups without a
    place last. Reads the places off the items' enrolments and entries (no query) but
    for entries at a place with no enrolment, fetched in one query each kind."""
    groups: dict[tuple[str, str, int], PlaceGroup] = {}
    missing = {SCHOOL: set(), FACILITY: set()}
    for item in items:
        kind, pk = item.key
        g = groups.get((item.sector, kind, pk))
        if g is None:
            place = None
            if item.enrolment is not None and kind in (SCHOOL, FACILITY):
                place = item.enrolment.school or item.enrolment.facility
            elif kind in (SCHOOL, FACILITY):
                missing[kind].add(pk)
            g = groups[(item.sector, kind, pk)] = PlaceGroup(kind, item.sector, place)
        g.items.append(item)
    found = {}
    if missing[SCHOOL]:
        found.update({(SCHOOL, s.pk): s for s in School.objects.filter(pk__in=missing[SCHOOL])})
    if missing[FACILITY]:
        found.update(
            {(FACILITY, f.pk): f for f in HealthFacility.objects.filter(pk__in=missing[FACILITY])}
        )
    for (_sector, kind, pk), g in groups.items():
        if g.place is None and kind in (SCHOOL, FACILITY):
            g.place = found.get((kind, pk))
    result: dict[str, list[PlaceGroup]] = {Sector.EDUCATION: [], Sector.HEALTH: []}
    order = {SCHOOL: 0, FACILITY: 0, NOT_ENROLLED: 1, UNKNOWN: 2}
    for g in sorted(
        groups.values(), key=lambda g: (order[g.kind], g.place.name if g.place else "", g.pk)
    ):
        result[g.sector].append(g)
    return result


def place_get(*, kind: str, pk: int) -> School | HealthFacility | None:
    """The school or facility of a sheet's URL (404 if there is none)."""
    if kind == SCHOOL:
        return School.objects.filter(pk=pk).select_related("village").first() or _404()
    if kind == FACILITY:
        return HealthFacility.objects.filter(pk=pk).select_related("village").first() or _404()
    if kind == NOT_ENROLLED and pk == 0:
        return None
    raise Http404


def _404():
    raise Http404


def place_sheet(
    *, user, month: datetime.date, kind: str, pk: int, facilitator_id: int | None = None
) -> tuple[School | HealthFacility | None, list[DueItem]]:
    """One school's or facility's list for the month in ``user``'s scope, or 404 when
    the place holds none of their members (another facilitator's school list)."""
    place = place_get(kind=kind, pk=pk)
    items = month_due(user=user, month=month, facilitator_id=facilitator_id, place=(kind, pk))
    if not items:
        raise Http404
    return place, items


@dataclass(frozen=True)
class Completeness:
    due: int
    entered: int

    @property
    def percent(self) -> float | None:
        return 100 * self.entered / self.due if self.due else None


def completeness_by_facilitator(
    *, households: QuerySet[Household], month: datetime.date, rules: Rules | None = None
) -> dict[int, Completeness]:
    """``{facilitator id: Completeness}`` of the month: component holdings due (today's
    components that count in the month, members in the family that month) and how
    many have an entry. One
    grouped query, whatever the number of families."""
    rules = rules or Rules.from_settings()
    entry = VerificationEntry.objects.filter(
        member=OuterRef("member_id"), component=OuterRef("component_id"), month=month
    )
    rows = (
        Member.components.through.objects.filter(
            counts_in_month(month),
            component_id__in=rules.components,
            member__household__in=households.filter(status__in=VERIFIED_STATUSES),
            member__birth_date__lte=month_end(month),
        )
        .filter(Q(member__left_on__isnull=True) | Q(member__left_on__gte=month))
        .annotate(entered=Exists(entry))
        .values("member__household__facilitator_id")
        .annotate(due=Count("id"), done=Count("id", filter=Q(entered=True)))
        .order_by()
    )
    return {
        row["member__household__facilitator_id"]: Completeness(row["due"], row["done"])
        for row in rows
    }

"""Reads of the household registry, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from households.models import (
    Component,
    Household,
    HouseholdStatus,
    HouseholdTransfer,
    Member,
    Visit,
    normalize_name,
)
from pkh.scoping import area_q, household_scope_q
from regions.models import Region, RegionLevel


def today() -> datetime.date:
    return timezone.localdate()


def no_visit_cutoff(on: datetime.date | None = None) -> datetime.date:
    return (on or today()) - datetime.timedelta(days=settings.PKH_NO_VISIT_DAYS)


def pengurus_name(path: str = "pk") -> Subquery:
    """The name of the pengurus of the household at ``OuterRef(path)``, as a subquery.

    For querysets of other models that point at a household (aid rows, attendance,
    graduations ...); a Household queryset can read ``pengurus_name_cache`` instead.
    """
    return Subquery(
        Member.objects.filter(household=OuterRef(path), is_pengurus=True)
        .order_by()
        .values("name")[:1]
    )


def household_scope(*, user: User) -> QuerySet[Household]:
    """Every household ``user`` may see, with nothing joined: the base of every read."""
    return Household.objects.filter(household_scope_q(user))


def household_list(
    *,
    user: User,
    search: str = "",
    village: str | None = None,
    component: str | None = None,
    status: str | None = None,
    fds_group: int | None = None,
    facilitator: int | None = None,
    no_visit: bool = False,
    followup_overdue: bool = False,
) -> QuerySet[Household]:
    """The caseload: scoped, filtered and ready to render one page of rows.

    A row's components come from the family's ``component_mask`` (see
    ``component_codes_attach``), not from its members: a page costs the same number of
    queries whatever its size, and no member is loaded.
    """
    scope = qs = household_scope(user=user)
    if search := " ".join(search.split()):
        # An NIK is digits and a name is not: ask only the index that can match (an OR of
        # both made PostgreSQL scan every member). Each branch of the UNION is scoped, so
        # the planner can look through one caseload's members or, for an admin's whole
        # region, use the trigram index on names (migration 0003).
        if search.isdigit():
            members = Member.objects.filter(nik=search)
        else:
            members = Member.objects.filter(name_normalized__contains=normalize_name(search))
        by_member = scope.filter(Exists(members.filter(household=OuterRef("pk"))))
        by_key = scope.filter(Q(id_keluarga=search) | Q(no_kk=search))
        qs = qs.filter(
            pk__in=by_member.order_by().values("pk").union(by_key.order_by().values("pk"))
        )
    if village:
        qs = qs.filter(village_id=village)
    if component:
        # The family's component bits (kept by triggers, migration 0004): a test on the
        # row itself, where a semi-join over members and their components cost most of a
        # filtered caseload page (bench/RESULTS.md).
        flag = Component.objects.filter(code=component).values("flag")[:1]
        qs = qs.alias(component_hit=F("component_mask").bitand(Subquery(flag))).filter(
            component_hit__gt=0
        )
    if status:
        qs = qs.filter(status=status)
    if fds_group:
        qs = qs.filter(fds_group_id=fds_group)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    if no_visit:
        qs = qs.filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=no_visit_cutoff()))
    if followup_overdue:
        qs = qs.filter(
            Exists(_latest_visits().filter(household=OuterRef("pk"), follow_up_date__lt=today()))
        )
    return (
        qs.select_related("village", "facilitator")
        # The denormalised column (kept by triggers): sorting on it uses an index, where
        # a subquery per family made an admin's caseload over a province take seconds.
        .annotate(pengurus_name=F("pengurus_name_cache"))
    )


def component_codes_attach(households: Iterable[Household]) -> None:
    """Set ``component_codes`` on each household: the codes of the PKH components its
    active members hold, in the catalogue's order, read off ``component_mask`` (kept by
    triggers, migration 0004), and ``component_names``: their names, as the family page
    shows them. One query for the catalogue, whatever the number of rows.
    """
    catalogue = list(Component.objects.values_list("code", "name", "flag"))
    for household in households:
        mask = household.component_mask
        held = [(code, name) for code, name, flag in catalogue if mask & flag]
        household.component_codes = [code for code, _name in held]
        household.component_names = [name for _code, name in held]


def household_get(*, user: User, pk: int) -> Household:
    """One household the user may see, or 404 (also when it exists but is not theirs)."""
    qs = household_scope(user=user).select_related(
        "village__parent__parent", "facilitator__supervisor", "fds_group"
    )
    return get_object_or_404(qs, pk=pk)


@dataclass(frozen=True)
class FamilyHeader:
    """Who a form or a decision is about (``households/_family_header.html``)."""

    pk: int
    id_keluarga: str
    pengurus_name: str | None
    village: str
    district: str
    components: list[str]  # the components' names (Indonesian labels), catalogue order


def family_header(*, household: Household) -> FamilyHeader:
    """The pengurus, village and components of a family the caller may already see.

    Two queries whatever the family and whatever was loaded with ``household``: its row
    with the village and district names, and the component catalogue (the components
    come from ``component_mask``, kept by triggers, not from the members).
    """
    row = (
        Household.objects.filter(pk=household.pk)
        .values(
            "id_keluarga",
            "pengurus_name_cache",
            "component_mask",
            "village__name",
            "village__parent__name",
        )
        .get()
    )
    mask = row["component_mask"]
    return FamilyHeader(
        pk=household.pk,
        id_keluarga=row["id_keluarga"],
        pengurus_name=row["pengurus_name_cache"],
        village=row["village__name"],
        district=row["village__parent__name"] or "",
        components=[
            name
            for name, flag in Component.objects.order_by("order", "code").values_list(
                "name", "flag"
            )
            if mask & flag
        ],
    )


def household_members(*, household: Household) -> QuerySet[Member]:
    return household.members.prefetch_related("components").order_by(
        "left_on", "-is_pengurus", "birth_date"
    )


def household_visits(*, household: Household, limit: int = 50) -> QuerySet[Visit]:
    return household.visits.select_related("facilitator").order_by("-date", "-id")[:limit]


def visit_get(*, user: User, pk: int) -> Visit:
    qs = Visit.objects.filter(household_scope_q(user, "household__")).select_related("household")
    return get_object_or_404(qs, pk=pk)


def village_choices(*, user: User) -> QuerySet[Region]:
    """Villages a user may filter or assign by: their areas' villages, or their families'."""
    if user.role == Role.ADMIN:
        return Region.objects.filter(
            area_q(user.area_codes, village="code"), level=RegionLevel.VILLAGE
        )
    # Two plain IN lists rather than "IN (subquery) OR IN (...)", which PostgreSQL can
    # only answer by scanning all 91,599 regions.
    codes = set(
        household_scope(user=user).order_by().values_list("village_id", flat=True).distinct()
    )
    return Region.objects.filter(code__in=codes | set(user.area_codes), level=RegionLevel.VILLAGE)


def fds_group_choices(*, user: User) -> QuerySet:
    """FDS groups with at least one family the user may see (the caseload filter)."""
    FdsGroup = Household._meta.get_field("fds_group").related_model  # no import upwards
    return FdsGroup.objects.filter(
        Exists(household_scope(user=user).filter(fds_group_id=OuterRef("pk")))
    )


def caseload_filter_choices(
    *,
    user: User,
    facilitator: int | None = None,
    village: str | None = None,
    group: int | None = None,
    limit: int | None = None,
) -> tuple[list[Region], list, bool]:
    """Villages and FDS groups for the caseload filter: ``(villages, groups, narrowed)``.

    Over a large area (an admin of a province: thousands of villages and groups) a full
    list would make the page slow and useless; then only the chosen facilitator's are
    offered (``narrowed``), plus the value already chosen. Two to four queries.
    """
    limit = limit or settings.PKH_FILTER_MAX_CHOICES
    # Unordered with a limit: the database stops at limit + 1 rows instead of sorting all.
    villages = list(village_choices(user=user).order_by()[: limit + 1])
    # Groups in primary-key order: unordered, PostgreSQL walked the whole registry's
    # fds_group index in a merge join for a supervisor (136 ms, on 200,000 families)
    # instead of starting from the team's families (4 ms; bench/RESULTS.md).
    groups = list(fds_group_choices(user=user).order_by("pk")[: limit + 1])
    narrowed = False
    if len(villages) > limit:
        narrowed = True
        keep = Q(code=village or "")
        if facilitator:
            mine = household_scope(user=user).filter(facilitator_id=facilitator)
            keep |= Q(code__in=mine.values("village_id"))
        villages = list(village_choices(user=user).filter(keep))
    if len(groups) > limit:
        narrowed = True
        keep = Q(pk=group or 0)
        if facilitator:
            keep |= Q(facilitator_id=facilitator)
        groups = list(fds_group_choices(user=user).filter(keep))
    villages.sort(key=lambda v: v.code)
    groups.sort(key=lambda g: (g.name, g.pk))
    return villages, groups, narrowed


def facilitator_list(*, user: User) -> QuerySet[User]:
    """Facilitators a user may see: themselves, their team, or those in their region."""
    qs = User.objects.filter(role=Role.FACILITATOR, is_active=True)
    if user.role == Role.FACILITATOR:
        return qs.filter(pk=user.pk)
    if user.role == Role.SUPERVISOR:
        return qs.filter(supervisor=user)
    if user.role == Role.ADMIN:
        return qs.filter(
            Exists(
                User.areas.through.objects.filter(
                    area_q(user.area_codes, village="region__code"), user_id=OuterRef("pk")
                )
            )
        )
    return qs.none()


@dataclass(frozen=True)
class FacilitatorRow:
    facilitator: User
    households: int
    active: int
    visits_this_month: int
    no_visit: int


def team_facilitators(*, user: User) -> QuerySet[User]:
    """The facilitators of the team overview, in its order (one page of them at a time)."""
    return (
        facilitator_list(user=user)
        .select_related("supervisor")
        .order_by("first_name", "username", "pk")
    )


def _visits_this_month() -> QuerySet[Visit]:
    return Visit.objects.filter(date__gte=today().replace(day=1))


def _overview_counts() -> dict:
    """The team overview's family counts, for one facilitator or for all of them."""
    cutoff = no_visit_cutoff()
    return {
        "total": Count("pk"),
        "active": Count("pk", filter=Q(status=HouseholdStatus.ACTIVE)),
        "no_visit": Count(
            "pk",
            filter=Q(status=HouseholdStatus.ACTIVE)
            & (Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=cutoff)),
        ),
    }


def team_overview(*, facilitators: Iterable[User]) -> list[FacilitatorRow]:
    """Per facilitator: families, active families, visits this month, families not visited.

    Two aggregate queries whatever the number of facilitators.
    """
    facilitators = list(facilitators)
    ids = [f.pk for f in facilitators]
    counts = {
        row["facilitator_id"]: row
        for row in Household.objects.filter(facilitator_id__in=ids)
        .values("facilitator_id")
        .annotate(**_overview_counts())
    }
    visits = dict(
        _visits_this_month()
        .filter(facilitator_id__in=ids)
        .values("facilitator_id")
        .annotate(n=Count("pk"))
        .values_list("facilitator_id", "n")
    )
    return [
        FacilitatorRow(
            facilitator=f,
            households=counts.get(f.pk, {}).get("total", 0),
            active=counts.get(f.pk, {}).get("active", 0),
            visits_this_month=visits.get(f.pk, 0),
            no_visit=counts.get(f.pk, {}).get("no_visit", 0),
        )
        for f in facilitators
    ]


def team_overview_totals(*, facilitators: QuerySet[User]) -> dict[str, int]:
    """The overview's totals over all ``facilitators`` (every page): two queries."""
    ids = facilitators.order_by().values("pk")
    totals = Household.objects.filter(facilitator_id__in=ids).aggregate(**_overview_counts())
    visits = _visits_this_month().filter(facilitator_id__in=ids).count()
    return {"households": totals["total"], "no_visit": totals["no_visit"], "visits": visits}


def transfer_list(*, user: User) -> QuerySet[HouseholdTransfer]:
    return HouseholdTransfer.objects.filter(household_scope_q(user, "household__")).select_related(
        "household", "from_facilitator", "to_facilitator", "moved_by"
    )


def _latest_visits() -> QuerySet[Visit]:
    """Visits that are their household's latest (a later visit clears a follow-up)."""
    later = Visit.objects.filter(household=OuterRef("household"), date__gt=OuterRef("date"))
    return Visit.objects.exclude(Exists(later))


def visit_followups_due(*, user: User, until: datetime.date) -> QuerySet[Visit]:
    """Latest visit per household whose follow-up date has come, for the to-do list."""
    return (
        _latest_visits()
        .filter(
            household_scope_q(user, "household__"),
            follow_up_date__isnull=False,
            follow_up_date__lte=until,
        )
        .select_related("household__facilitator")
        .annotate(pengurus_name=pengurus_name("household"))
        .order_by("follow_up_date")
    )


@dataclass(frozen=True)
class OverdueFollowups:
    facilitator_id: int
    facilitator_name: str
    count: int


def followups_overdue_by_facilitator(*, user: User) -> list[OverdueFollowups]:
    """Per facilitator of the user's scope: families whose latest visit's follow-up date
    has passed (the caseload's "tindak lanjut terlambat" filter), most first. Two
    queries, whatever the number of families."""
    counts = dict(
        _latest_visits()
        .filter(
            household_scope_q(user, "household__"),
            follow_up_date__lt=today(),
            household__facilitator__isnull=False,
        )
        .order_by()
        .values("household__facilitator")
        .annotate(n=Count("household", distinct=True))
        .values_list("household__facilitator", "n")
    )
    people = User.objects.filter(pk__in=counts).only("first_name", "last_name", "username")
    rows = [OverdueFollowups(p.pk, str(p), counts[p.pk]) for p in people]
    return sorted(rows, key=lambda r: (-r.count, r.facilitator_name))


@dataclass(frozen=True)
class BenefitLine:
    member: Member
    component_name: str
    amount: int
    counted: bool
    # Why a line does not count (an Indonesian sentence); empty when it counts.
    note: str = ""


def household_benefit_estimate(
    *, members: list[Member], year: int, today: datetime.date | None = None
) -> tuple[list[BenefitLine], int, int]:
    """The year's PKH benefit from the active members' components: (lines, total, cap).

    Uses the latest rates and cap at or before ``year``. A component counts only while it
    still counts on ``today`` (``households/components.py``: the nifas period, the early
    childhood end age ...). The cap counts people, not components (docs/domain.md
    "Component rules": PKH pays at most four members of a family): a member holding two
    components counts once, under the higher-value one, and only the ``cap``
    highest-value members count. Two queries (``members`` come with their components).
    """
    from households.components import component_end_reason
    from households.models import BenefitCap

    today = today or timezone.localdate()
    rates = benefit_rates(year=year)
    cap_row = BenefitCap.objects.filter(year__lte=year).order_by("-year").first()
    cap = cap_row.max_components if cap_row else 4
    ended, second, best = [], [], []
    for member in members:
        if member.left_on is not None:
            continue
        held = []
        for component in member.components.all():
            line = BenefitLine(member, component.name, rates.get(component.code, 0), False)
            why = component_end_reason(member, component.code, today)
            if why is None:
                held.append(line)
            else:
                ended.append(replace(line, amount=0, note=why))
        held.sort(key=lambda line: line.amount, reverse=True)
        if held:
            best.append(held[0])
            second += [
                replace(line, note=_("sudah dihitung sekali, pada komponen bernilai tertinggi"))
                for line in held[1:]
            ]
    best.sort(key=lambda line: line.amount, reverse=True)
    counted = [replace(line, counted=True) for line in best[:cap]]
    over = [
        replace(line, note=_("melebihi batas %(cap)d orang per keluarga") % {"cap": cap})
        for line in best[cap:]
    ]
    result = counted + over + second + ended
    return result, sum(line.amount for line in counted), cap


def benefit_rates(*, year: int) -> dict[str, int]:
    """The yearly rate of each component code: the latest rates at or before ``year``
    (two queries)."""
    from households.models import BenefitRate

    rate_year = (
        BenefitRate.objects.filter(year__lte=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return dict(BenefitRate.objects.filter(year=rate_year).values_list("component_id", "amount"))


def household_benefit_adjustments(
    *, household: Household, lines: list[BenefitLine], year: int, today: datetime.date
):
    """The upper apps' adjustments of the estimate (``pkh.extensions.benefit_adjustments``:
    the commitment sanctions' reduction) and the total after them, never below zero."""
    from pkh import extensions

    adjustments = [
        a
        for source in extensions.benefit_adjustments
        for a in source(household=household, lines=lines, year=year, today=today)
    ]
    total = sum(line.amount for line in lines if line.counted)
    return adjustments, max(0, total + sum(a.amount for a in adjustments))


@dataclass(frozen=True)
class AuditEntry:
    when: datetime.datetime
    who: str
    what: str  # the record, e.g. "Keluarga" or a member's name
    action: str  # "+", "~" or "-"
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def _history_entries(records, *, label, model) -> list[AuditEntry]:
    """Turn history rows (oldest first, any objects mixed) into entries with field diffs."""
    tracked = {f.name for f in model.history.model._meta.get_fields()}
    fields = {
        f.name: f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and not f.many_to_many and f.name in tracked
    }
    skip = {"id", "created_at", "name_normalized"}
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is not None:
            for name, field in fields.items():
                if name in skip:
                    continue
                old, new = getattr(before, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append(
                        (str(field.verbose_name), _display(field, old), _display(field, new))
                    )
        previous[record.id] = record
        if before is not None and not changes and record.history_type == "~":
            continue
        user = record.history_user
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=(str(user) if user else _("sistem")),
                what=label(record),
                action=record.history_type,
                changes=changes,
            )
        )
    return entries


def _display(field, value) -> str:
    if value is None or value == "":
        return "-"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def household_audit(*, household: Household, limit: int = 100) -> list[AuditEntry]:
    """Who changed what in a family, its members and its visits: newest first. 3 queries."""

    def rows(qs):
        return qs.select_related("history_user").order_by("history_date", "history_id")

    entries = _history_entries(
        rows(Household.history.filter(id=household.pk)),
        label=lambda r: _("Keluarga"),
        model=Household,
    )
    entries += _history_entries(
        rows(Member.history.filter(household_id=household.pk)),
        label=lambda r: r.name,
        model=Member,
    )
    entries += _history_entries(
        rows(Visit.history.filter(household_id=household.pk)),
        label=lambda r: _("Kunjungan %(date)s") % {"date": date_format(r.date)},
        model=Visit,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]

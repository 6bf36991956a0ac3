"""The household registry "as it was" at an instant, read from django-simple-history.

The state of a row at instant ``t`` is its latest historical record with
``history_date < t`` (ties broken by ``history_id``), unless that record is a deletion.
Rows that have no historical record at all (e.g. written by a bulk path that skipped
history) fall back to their current values if they were created before ``t``.

Each function costs one query whatever the number of families.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from households.models import Household, HouseholdStatus, Member

HistoricalHousehold = Household.history.model
HistoricalMember = Member.history.model

# Statuses in which a family is still a KPM (counted for components).
IN_PROGRAMME = (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED)


def latest_as_of(model, at: datetime.datetime) -> QuerySet:
    """Historical rows of ``model`` that are the latest record of their object before ``at``."""
    later = model.objects.filter(id=OuterRef("id"), history_date__lt=at).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return (
        model.objects.filter(history_date__lt=at)
        .exclude(history_type="-")
        .exclude(Exists(later))
        .order_by()
    )


def before_flags(instants) -> dict[str, ExpressionWrapper]:
    """For ``instants`` ``[(anything, datetime), ...]``: one boolean annotation per instant,
    ``before_<i>``, telling whether a history record was written before it. A reader of
    the history in order then keeps each object's latest record before every instant,
    reading the records once, and only their order comes back, not their timestamps."""
    return {
        f"before_{i}": ExpressionWrapper(Q(history_date__lt=at), output_field=BooleanField())
        for i, (_, at) in enumerate(instants)
    }


def caseloads_as_of(
    *, facilitator_id: int, instants: list[datetime.datetime]
) -> tuple[list[dict[int, str]], dict[int, datetime.datetime]]:
    """For each instant, ``{household id: status}`` of the facilitator's families then;
    and ``{household id: created_at}`` of all of them.

    One query per instant (families with history), plus one for families without any
    history record (their current values count from their ``created_at`` on).
    """
    created: dict[int, datetime.datetime] = {}
    out = []
    for at in instants:
        rows = {}
        for pk, status, created_at in (
            latest_as_of(HistoricalHousehold, at)
            .filter(facilitator_id=facilitator_id)
            .values_list("id", "status", "created_at")
        ):
            rows[pk] = status
            created[pk] = created_at
        out.append(rows)
    without_history = list(
        Household.objects.filter(facilitator_id=facilitator_id, created_at__lt=max(instants))
        .exclude(Exists(HistoricalHousehold.objects.filter(id=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "status", "created_at")
    )
    for at, rows in zip(instants, out, strict=True):
        for pk, status, created_at in without_history:
            if created_at < at:
                rows[pk] = status
                created[pk] = created_at
    return out, created


def month_end_instant(month: datetime.date) -> datetime.datetime:
    """The first instant after the month that starts on ``month``, in the report time
    zone (the end of the last month of a quarter is the quarter's ``end``)."""
    from reports.quarters import report_tz

    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.datetime.combine(following, datetime.time(), tzinfo=report_tz())


def count_components(members: dict, *, at: datetime.datetime) -> Counter:
    """How many of ``members`` (``{id: MemberAsOf}``) counted as each component at ``at``:
    members who had left the family by then (``left_on`` before ``at``'s date) do not."""
    day, counts = at.date(), Counter()
    for member in members.values():
        if member.left_on is None or member.left_on >= day:
            counts.update(member.components)
    return counts


@dataclass(frozen=True)
class MemberAsOf:
    """A member as the audit trail had them at an instant."""

    household_id: int
    left_on: datetime.date | None
    birth_date: datetime.date
    components: tuple[str, ...]
    # What the component rules read (households.components.component_fits).
    expected_delivery_date: datetime.date | None = None
    school_level: str = ""
    disability: str = ""


def members_as_of(
    *, households: list[tuple[list[int], datetime.datetime]]
) -> list[dict[int, MemberAsOf]]:
    """For each ``(household ids, instant)``: ``{member id: MemberAsOf}`` of the members of
    these families at that instant (also those who had left: ``left_on`` says when).

    Two queries whatever the number of instants: the members' history up to the last
    instant with each record's components, read once (the latest record before each
    instant is picked here, as :func:`latest_as_of` would), and the members without any
    history record (their current values count from their ``created_at`` on).
    """
    out: list[dict[int, MemberAsOf]] = [{} for _ in households]
    every_household = {pk for ids, _ in households for pk in ids}
    if not every_household:
        return out
    latest = max(at for _, at in households)
    flags = before_flags(households)  # all records read are before ``latest``
    # Every record of every member who ever belonged to one of these families (a member's
    # latest record decides, whichever family it names), in order, with its components.
    rows = (
        HistoricalMember.objects.filter(
            id__in=HistoricalMember.objects.filter(household_id__in=every_household).values("id"),
            history_date__lt=latest,
        )
        .annotate(**flags)
        .order_by("history_date", "history_id")
        .values_list(
            "id",
            "history_id",
            "history_type",
            "household_id",
            "left_on",
            "birth_date",
            "expected_delivery_date",
            "school_level",
            "disability",
            "historicalmember_components__m2m_history_id",
            "historicalmember_components__component_id",
            *flags,
        )
    )
    # Per instant, each member's latest record before it: [history id, type, family,
    # left on, birth date, components]. The rows come in order (a record's components
    # together), so the last record written wins.
    latest_records: list[dict[int, list]] = [{} for _ in households]
    for (
        member_id,
        history_id,
        history_type,
        household_id,
        left_on,
        birth_date,
        hpl,
        school_level,
        disability,
        link,
        component,
        *before,
    ) in rows:
        for records, is_before in zip(latest_records, before, strict=True):
            if not is_before:
                continue
            record = records.get(member_id)
            if record is None or record[0] != history_id:
                record = records[member_id] = [
                    history_id,
                    history_type,
                    household_id,
                    left_on,
                    birth_date,
                    [],
                    (hpl, school_level, disability),
                ]
            if link is not None:  # a component row (not the outer join's empty match)
                record[5].append(component)
    for members, records, (ids, _at) in zip(out, latest_records, households, strict=True):
        wanted = set(ids)
        for member_id, record in records.items():
            _, history_type, household_id, left_on, birth, comps, rules_read = record
            if history_type == "-" or household_id not in wanted:
                continue
            members[member_id] = MemberAsOf(household_id, left_on, birth, tuple(comps), *rules_read)
    without_history: dict[int, list] = {}
    for member_id, component, household_id, created, left_on, birth, *rules_read in (
        Member.objects.filter(household_id__in=every_household, created_at__lt=latest)
        .exclude(Exists(HistoricalMember.objects.filter(id=OuterRef("pk"))))
        .order_by()
        .values_list(
            "pk",
            "components",
            "household_id",
            "created_at",
            "left_on",
            "birth_date",
            "expected_delivery_date",
            "school_level",
            "disability",
        )
    ):
        record = without_history.setdefault(
            member_id, [household_id, created, left_on, birth, [], rules_read]
        )
        if component is not None:
            record[4].append(component)
    for members, (household_ids, at) in zip(out, households, strict=True):
        ids = set(household_ids)
        for member_id, record in without_history.items():
            household_id, created, left_on, birth, comps, rules_read = record
            if household_id in ids and created < at:
                members[member_id] = MemberAsOf(
                    household_id, left_on, birth, tuple(comps), *rules_read
                )
    return out

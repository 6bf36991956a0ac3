"""Reads of the FDS / P2K2 app, scoped through ``pkh.scoping`` like every other app.

The figures (``attendance_rates``, ``modules_completed``, ``groups_without_session``) are
the ones the quarterly reports reuse; see ``docs/fds_sessions.md``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsModule,
    FdsModuleSession,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from households.models import Household, HouseholdStatus, Member, VisitPurpose
from households.selectors import facilitator_list, household_scope, pengurus_name
from pkh.scoping import household_scope_q, scope_q

FOLLOWUP_LOOKBACK_DAYS = 365


# --- Scope ----------------------------------------------------------------------------


def group_scope(*, user: User) -> QuerySet[FdsGroup]:
    """Groups ``user`` may see: their own, their team's, or those meeting in their region."""
    return FdsGroup.objects.filter(scope_q(user, village="village__code"))


def session_scope(*, user: User) -> QuerySet[FdsSession]:
    return FdsSession.objects.filter(
        scope_q(user, facilitator="group__facilitator", village="group__village__code")
    )


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


def session_get(*, user: User, pk: int) -> FdsSession:
    qs = session_scope(user=user).select_related(
        "group__facilitator", "module_session__module", "created_by"
    )
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


def group_sessions(*, group: FdsGroup) -> QuerySet[FdsSession]:
    """A group's meetings, newest first, with their module and attendance counts."""
    return (
        group.sessions.select_related("module_session__module")
        .annotate(
            present_count=Count(
                "attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)
            ),
            recorded_count=Count("attendance"),
        )
        .order_by("-date", "-id")
    )


def session_attendance(*, session: FdsSession) -> QuerySet[Attendance]:
    return (
        session.attendance.select_related("household")
        .annotate(pengurus_name=pengurus_name("household_id"))
        .order_by("pengurus_name", "household_id")
    )


def attendance_changes(*, session: FdsSession, limit: int = 200) -> list:
    """Audit trail of a session's attendance, newest first: who changed whom to what."""
    records = list(
        Attendance.history.filter(session_id=session.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = dict(
        Member.objects.filter(
            household_id__in={r.household_id for r in records}, is_pengurus=True
        ).values_list("household_id", "name")
    )
    labels = dict(AttendanceStatus.choices)
    last: dict[int, str] = {}
    changes = []
    for r in records:
        before = last.get(r.household_id)
        last[r.household_id] = r.status
        if before is not None and before != r.status:
            changes.append(
                {
                    "when": r.history_date,
                    "who": str(r.history_user) if r.history_user else "sistem",
                    "family": names.get(r.household_id, str(r.household_id)),
                    "old": labels.get(before, before),
                    "new": labels.get(r.status, r.status),
                }
            )
    changes.reverse()
    return changes[:limit]


# --- Module catalogue -----------------------------------------------------------------


def module_catalogue(*, include_retired: bool = True) -> QuerySet[FdsModule]:
    sessions = FdsModuleSession.objects.order_by("order")
    qs = FdsModule.objects.all()
    if not include_retired:
        qs = qs.filter(is_active=True)
        sessions = sessions.filter(is_active=True)
    return qs.prefetch_related(Prefetch("sessions", queryset=sessions)).order_by("number")


def module_session_choices() -> QuerySet[FdsModuleSession]:
    """Sessions that may be planned: active ones of active modules, in curriculum order."""
    return (
        FdsModuleSession.objects.filter(is_active=True, module__is_active=True)
        .select_related("module")
        .order_by("module__number", "order")
    )


def next_module_session(*, group: FdsGroup) -> FdsModuleSession | None:
    """The group's next session in the curriculum: the first active session it has
    neither held nor planned yet (``None`` when it has done them all)."""
    done = FdsSession.objects.filter(
        group=group,
        module_session=OuterRef("pk"),
        status__in=[SessionStatus.HELD, SessionStatus.PLANNED],
    )
    return module_session_choices().exclude(Exists(done)).first()


def session_plan_suggestion(*, group: FdsGroup) -> tuple[FdsModuleSession | None, bool]:
    """The session to preselect when planning the group's next meeting, and whether it
    starts the curriculum again.

    The first session the group has neither held nor planned; once every session is held
    or planned (as a demo group is after one more meeting), the one after the group's
    latest held or planned meeting, wrapping round to the first. ``(None, False)`` only
    when the curriculum has no active session."""
    upcoming = next_module_session(group=group)
    if upcoming is not None:
        return upcoming, False
    choices = list(module_session_choices())
    if not choices:
        return None, False
    latest = (
        FdsSession.objects.filter(
            group=group, status__in=[SessionStatus.HELD, SessionStatus.PLANNED]
        )
        .order_by("-date", "-id")
        .values_list("module_session_id", flat=True)
        .first()
    )
    ids = [c.pk for c in choices]
    after = ids.index(latest) + 1 if latest in ids else 0
    return choices[after % len(choices)], True


# --- Figures (reused by the quarterly reports) ----------------------------------------


@dataclass(frozen=True)
class AttendanceRate:
    """``present`` of ``held`` (sessions held while the family was in the group)."""

    present: int = 0
    held: int = 0

    @property
    def rate(self) -> float | None:
        return self.present / self.held if self.held else None

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.held) if self.held else None

    def __add__(self, other: AttendanceRate) -> AttendanceRate:
        return AttendanceRate(self.present + other.present, self.held + other.held)


def _in_queryset(column: str, qs: QuerySet) -> tuple[str, list]:
    sql, params = qs.values("pk").query.sql_with_params()
    return f"{column} IN ({sql})", list(params)


def _in_ids(column: str, ids: Iterable[int]) -> tuple[str, list]:
    ids = [int(i) for i in ids]
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def attendance_rates(
    *,
    user: User,
    by: Literal["household", "group", "facilitator"],
    start: datetime.date,
    end: datetime.date,
    household_ids: Iterable[int] | None = None,
    group_ids: Iterable[int] | None = None,
    facilitator_ids: Iterable[int] | None = None,
) -> dict[int, AttendanceRate]:
    """Attendance rate per family, group or facilitator over ``start``..``end`` (inclusive).

    For each (family, held session of a group the family was in on the session's date)
    pair in the period: ``held`` counts the pairs, ``present`` those marked present.
    Sick, excused, absent and unrecorded all count as not present. Keys are household,
    group or facilitator ids; a key without any session held is absent from the result.

    Scoped: families ``user`` may see (``by="household"``), groups they may see
    (``"group"``) or facilitators they may see (``"facilitator"``). The optional id
    lists narrow further. Two aggregate queries: the pairs (memberships x sessions), and
    the "present" rows. The second counts attendance rows directly because the services
    keep every attendance inside a membership period of its family in that group
    (``session_hold`` checks it; moves and ``memberships_sync`` never cut one off).
    """
    return _attendance_counts(
        per_day=False,
        user=user,
        by=by,
        start=start,
        end=end,
        household_ids=household_ids,
        group_ids=group_ids,
        facilitator_ids=facilitator_ids,
    )


def attendance_rates_by_day(
    *,
    user: User,
    by: Literal["household", "group", "facilitator"],
    start: datetime.date,
    end: datetime.date,
    household_ids: Iterable[int] | None = None,
    group_ids: Iterable[int] | None = None,
    facilitator_ids: Iterable[int] | None = None,
) -> dict[tuple[int, datetime.date], AttendanceRate]:
    """:func:`attendance_rates` split by session date: keys are ``(key, date)``. Summing
    the days of a period gives exactly :func:`attendance_rates` over that period (same
    rule, same two queries), so one read serves several periods (months, quarters)."""
    return _attendance_counts(
        per_day=True,
        user=user,
        by=by,
        start=start,
        end=end,
        household_ids=household_ids,
        group_ids=group_ids,
        facilitator_ids=facilitator_ids,
    )


def _counts(rows, per_day: bool) -> dict:
    if not per_day:
        return dict(rows)
    out = {}
    for key, day, n in rows:
        if isinstance(day, str):  # SQLite hands dates back as text from a raw cursor
            day = datetime.date.fromisoformat(day)
        elif isinstance(day, datetime.datetime):
            day = day.date()
        out[(key, day)] = n
    return out


def _attendance_counts(
    *,
    per_day: bool,
    user: User,
    by: Literal["household", "group", "facilitator"],
    start: datetime.date,
    end: datetime.date,
    household_ids: Iterable[int] | None = None,
    group_ids: Iterable[int] | None = None,
    facilitator_ids: Iterable[int] | None = None,
) -> dict:
    """Shared body of :func:`attendance_rates` and :func:`attendance_rates_by_day`."""
    m = GroupMembership._meta.db_table
    s = FdsSession._meta.db_table
    a = Attendance._meta.db_table
    g = FdsGroup._meta.db_table
    # The same filters on both queries; only the household column differs (m. or a.).
    columns = {
        "household": "{hh}.household_id",
        "group": "s.group_id",
        "facilitator": "g.facilitator_id",
    }
    scopes = {
        "household": household_scope(user=user),
        "group": group_scope(user=user),
        "facilitator": facilitator_list(user=user),
    }

    def where(hh: str) -> tuple[str, list]:
        clauses, params = [], []
        clause, extra = _in_queryset(columns[by].format(hh=hh), scopes[by])
        clauses.append(clause)
        params += extra
        for name, ids in (
            ("household", household_ids),
            ("group", group_ids),
            ("facilitator", facilitator_ids),
        ):
            if ids is not None:
                clause, extra = _in_ids(columns[name].format(hh=hh), ids)
                clauses.append(clause)
                params += extra
        return " AND ".join(clauses), params

    # The group table is only needed to reach the facilitator.
    join_group = (
        f"JOIN {g} g ON g.id = s.group_id"
        if by == "facilitator" or facilitator_ids is not None
        else ""
    )
    day_of_session, day_of_attendance = (", s.date", ", a.session_date") if per_day else ("", "")
    group_by = "1, 2" if per_day else "1"
    held_where, held_params = where("m")
    held_sql = f"""
        SELECT {columns[by].format(hh="m")}{day_of_session}, COUNT(*)
        FROM {m} m
        JOIN {s} s ON s.group_id = m.group_id
            AND s.status = %s
            AND s.date >= m.joined_on
            AND (m.left_on IS NULL OR s.date < m.left_on)
            AND s.date >= %s AND s.date <= %s
        {join_group}
        WHERE {held_where}
        GROUP BY {group_by}
    """  # noqa: S608 - table names from _meta, values as parameters
    present_where, present_params = where("a")
    present_sql = f"""
        SELECT {columns[by].format(hh="a")}{day_of_attendance}, COUNT(*)
        FROM {a} a
        JOIN {s} s ON s.id = a.session_id
        {join_group}
        WHERE a.status = %s AND s.status = %s
            AND a.session_date >= %s AND a.session_date <= %s
            AND {present_where}
        GROUP BY {group_by}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(held_sql, [SessionStatus.HELD, start, end, *held_params])
        held = _counts(cursor.fetchall(), per_day)
        cursor.execute(
            present_sql,
            [AttendanceStatus.PRESENT, SessionStatus.HELD, start, end, *present_params],
        )
        present = _counts(cursor.fetchall(), per_day)
    return {
        key: AttendanceRate(present=int(present.get(key, 0)), held=int(n))
        for key, n in held.items()
    }


def modules_completed(
    *, user: User, group_ids: Iterable[int], until: datetime.date | None = None
) -> dict[int, list[FdsModule]]:
    """Per group: the modules whose every active session the group has held (by ``until``).

    A module with no active session is never complete. Two queries.
    """
    modules = {
        m.pk: m
        for m in FdsModule.objects.annotate(
            size=Count("sessions", filter=Q(sessions__is_active=True))
        )
    }
    held = session_scope(user=user).filter(
        group_id__in=list(group_ids),
        status=SessionStatus.HELD,
        module_session__is_active=True,
    )
    if until:
        held = held.filter(date__lte=until)
    rows = (
        held.values("group_id", "module_session__module_id")
        .annotate(n=Count("module_session_id", distinct=True))
        .values_list("group_id", "module_session__module_id", "n")
    )
    done: dict[int, set[int]] = defaultdict(set)
    for group_id, module_id, n in rows:
        if n >= modules[module_id].size > 0:
            done[group_id].add(module_id)
    return {
        group_id: sorted((modules[m] for m in ids), key=lambda mod: mod.number)
        for group_id, ids in done.items()
    }


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    next_month = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, next_month - datetime.timedelta(days=1)


def groups_without_session(*, user: User, month: datetime.date | None = None) -> QuerySet[FdsGroup]:
    """Active groups (with families) that held no meeting in ``month`` (default: this one)."""
    start, end = month_bounds(month or timezone.localdate())
    held = FdsSession.objects.filter(
        group=OuterRef("pk"), status=SessionStatus.HELD, date__gte=start, date__lte=end
    )
    has_families = Household.objects.filter(fds_group=OuterRef("pk"))
    return (
        group_scope(user=user)
        .filter(is_active=True)
        .filter(Exists(has_families))
        .exclude(Exists(held))
        .select_related("facilitator")
    )


# --- Follow-up and family panel -------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    household_id: int
    pengurus_name: str
    id_keluarga: str
    absent_since: datetime.date  # the first of the two absences
    last_absence: datetime.date


def fds_followups_due(*, user: User, today: datetime.date | None = None) -> list[FollowUp]:
    """Families in a group whose last two recorded meetings (within a year) were both
    "absent" (sick and excused do not count) and who have had no visit with purpose
    "tindak lanjut P2K2" on or after the second absence. Three queries."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=FOLLOWUP_LOOKBACK_DAYS)
    ranked = (
        Attendance.objects.filter(
            household_scope_q(user, "household__"),
            session_date__gte=since,
            household__fds_group__isnull=False,
            household__status=HouseholdStatus.ACTIVE,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("household_id")],
                order_by=[F("session_date").desc(), F("session_id").desc()],
            )
        )
        .filter(rank__lte=2)
        .values_list("household_id", "status", "session_date")
    )
    latest: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for household_id, status, day in ranked:
        latest[household_id].append((status, day))
    candidates = {
        hid: max(d for _s, d in rows)
        for hid, rows in latest.items()
        if len(rows) == 2 and all(s == AttendanceStatus.ABSENT for s, _d in rows)
    }
    if not candidates:
        return []
    from households.models import Visit

    visited = dict(
        Visit.objects.filter(household_id__in=candidates, purpose=VisitPurpose.FDS_FOLLOWUP)
        .values("household_id")
        .annotate(last=Max("date"))
        .values_list("household_id", "last")
    )
    due = [
        hid for hid, last in candidates.items() if not (visited.get(hid) and visited[hid] >= last)
    ]
    rows = Household.objects.filter(pk__in=due).annotate(pengurus_name=pengurus_name())
    result = [
        FollowUp(
            household_id=h.pk,
            pengurus_name=h.pengurus_name or "",
            id_keluarga=h.id_keluarga,
            absent_since=min(d for _s, d in latest[h.pk]),
            last_absence=candidates[h.pk],
        )
        for h in rows
    ]
    result.sort(key=lambda f: (f.last_absence, f.household_id))
    return result


@dataclass
class FamilySummary:
    group: FdsGroup | None
    group_visible: bool
    joined_on: datetime.date | None
    rate: AttendanceRate
    recent: list
    memberships: list


def household_fds_summary(*, user: User, household: Household, year: int) -> FamilySummary:
    """The family page panel: current group, this year's rate, last meetings. 4 queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rate = attendance_rates(
        user=user, by="household", start=start, end=end, household_ids=[household.pk]
    ).get(household.pk, AttendanceRate())
    memberships = list(
        GroupMembership.objects.filter(household=household)
        .select_related("group")
        .order_by("-joined_on")[:10]
    )
    recent = list(
        Attendance.objects.filter(household=household)
        .select_related("session__group", "session__module_session__module")
        .order_by("-session_date", "-session_id")[:6]
    )
    group = household.fds_group
    current = next((m for m in memberships if m.left_on is None), None)
    return FamilySummary(
        group=group,
        group_visible=bool(group) and group_scope(user=user).filter(pk=group.pk).exists(),
        joined_on=current.joined_on if current else None,
        rate=rate,
        recent=recent,
        memberships=memberships,
    )

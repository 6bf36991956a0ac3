"""The attendance and curriculum figures (``attendance_rates``,
``attendance_rates_by_day``, ``modules_completed``, ``groups_without_session``) that the
group pages and the quarterly reports reuse; see ``docs/fds_sessions.md``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from fds_sessions.models import (
    Attendance,
    AttendanceStatus,
    FdsGroup,
    FdsModule,
    FdsSession,
    GroupMembership,
    SessionStatus,
)
from fds_sessions.selectors.groups import group_scope
from fds_sessions.selectors.sessions import session_scope
from households.models import Household
from households.selectors import facilitator_list, household_scope


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

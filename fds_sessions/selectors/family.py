"""The FDS panel of the family page: the family's group, its attendance this year and
its latest meetings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import User
from fds_sessions.models import Attendance, FdsGroup, GroupMembership
from fds_sessions.selectors.figures import AttendanceRate, attendance_rates
from fds_sessions.selectors.groups import group_scope
from households.models import Household


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

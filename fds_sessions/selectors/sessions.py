"""Reads of a group's meetings: which sessions a user sees, one session, a group's
meetings with their counts, a session's attendance and its audit trail."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from fds_sessions.models import Attendance, AttendanceStatus, FdsGroup, FdsSession
from households.models import Member
from households.selectors import pengurus_name
from pkh.scoping import scope_q


def session_scope(*, user: User) -> QuerySet[FdsSession]:
    return FdsSession.objects.filter(
        scope_q(user, facilitator="group__facilitator", village="group__village__code")
    )


def session_get(*, user: User, pk: int) -> FdsSession:
    qs = session_scope(user=user).select_related(
        "group__facilitator", "module_session__module", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


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

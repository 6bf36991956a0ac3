"""Families who missed two P2K2 meetings in a row and still await a follow-up visit
(the facilitator's to-do list)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Max, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import User
from fds_sessions.models import Attendance, AttendanceStatus
from households.models import Household, HouseholdStatus, VisitPurpose
from households.selectors import pengurus_name
from pkh.scoping import household_scope_q

FOLLOWUP_LOOKBACK_DAYS = 365


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

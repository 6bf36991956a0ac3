"""What this app adds to other apps' pages through ``pkh.registry``."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from fds_sessions import selectors
from pkh.registry import Panel, TodoItem

MAX_TODO_ITEMS = 100


def fds_followups(*, user, today: datetime.date) -> list[TodoItem]:
    """Families absent from two meetings in a row, until an FDS follow-up visit is logged.

    Only on facilitators' lists: they make the visit. Supervisors and admins see the
    attendance figures on the group pages instead.
    """
    if getattr(user, "role", None) != Role.FACILITATOR:
        return []
    return [
        TodoItem(
            kind="fds_followup",
            kind_label=_("Kunjungi: 2 kali berturut-turut tidak hadir P2K2"),
            label=_("Kunjungi: 2 kali berturut-turut tidak hadir P2K2"),
            due=item.last_absence,
            url=reverse("households:detail", args=[item.household_id]),
            household_label=item.pengurus_name or item.id_keluarga,
            overdue=False,
        )
        for item in selectors.fds_followups_due(user=user, today=today)[:MAX_TODO_ITEMS]
    ]


def family_panel(*, request, household) -> Panel | None:
    """The family page's P2K2 section: current group, this year's attendance, last meetings."""
    year = timezone.localdate().year
    summary = selectors.household_fds_summary(user=request.user, household=household, year=year)
    return Panel(
        title=_("P2K2"),
        template="fds_sessions/family_panel.html",
        context={"summary": summary, "year": year},
        order=50,
    )
    return Panel(
        title=_("P2K2"),
        template="fds_sessions/family_panel.html",
        context={"summary": summary, "year": year},
        order=50,
    )

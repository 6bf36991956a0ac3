"""Graduation items on the facilitator's to-do list: post-graduation monitoring visits."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from graduation.selectors import monitoring_due
from pkh.registry import TodoItem

DUE_SOON_DAYS = 14
MAX_ITEMS = 100


def monitoring_visits(*, user, today: datetime.date) -> list[TodoItem]:
    """Monitoring visits due within two weeks (or overdue), for the family's facilitator."""
    if getattr(user, "role", None) != Role.FACILITATOR:
        return []
    until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return [
        TodoItem(
            kind="graduation_monitoring",
            kind_label=_("Pemantauan pascagraduasi"),
            label=_("Pemantauan pascagraduasi bulan ke-%(m)d") % {"m": visit.months_after},
            due=visit.due_on,
            url=reverse("graduation:monitoring_record", args=[visit.pk]),
            household_label=visit.pengurus_name or visit.graduation.household.id_keluarga,
            overdue=visit.due_on < today,
        )
        for visit in monitoring_due(user=user, until=until)[:MAX_ITEMS]
    ]

"""The household registry's items on the facilitator's to-do list."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from households.selectors import visit_followups_due
from pkh.registry import TodoItem

DUE_SOON_DAYS = 7
MAX_ITEMS = 100


def visit_followups(*, user, today: datetime.date) -> list[TodoItem]:
    """Follow-up visits due within a week (or overdue), from each family's latest visit."""
    until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    visits = visit_followups_due(user=user, until=until)[:MAX_ITEMS]
    return [
        TodoItem(
            kind="visit_followup",
            label=_("Kunjungan tindak lanjut"),
            kind_label=_("Kunjungan tindak lanjut"),
            due=visit.follow_up_date,
            url=reverse("households:detail", args=[visit.household_id]),
            household_label=visit.pengurus_name or visit.household.id_keluarga,
            overdue=visit.follow_up_date < today,
            facilitator_label=str(visit.household.facilitator or ""),
            facilitator_id=visit.household.facilitator_id,
        )
        for visit in visits
    ]

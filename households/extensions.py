"""What the household registry adds to the shared pages (``pkh.extensions``): its menu
entries and its items on the to-do list."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.selectors import visit_followups_due
from pkh import extensions
from pkh.extensions import NavItem, TodoItem
from pkh.permissions import ADMINS, EVERY_ROLE, LEADS

DUE_SOON_DAYS = 7
MAX_TODO_ITEMS = 100


def visit_followups(*, user, today: datetime.date) -> list[TodoItem]:
    """Follow-up visits due within a week (or overdue), from each family's latest visit."""
    until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    visits = visit_followups_due(user=user, until=until)[:MAX_TODO_ITEMS]
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


def register() -> None:
    for item in (
        NavItem(gettext_lazy("Keluarga"), "households:caseload", EVERY_ROLE),
        NavItem(gettext_lazy("Tim"), "households:team_overview", LEADS),
        NavItem(gettext_lazy("Pindah pendamping"), "households:transfer", ADMINS, more=True),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.todo_sources.register("households", visit_followups)

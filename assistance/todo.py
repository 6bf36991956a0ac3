"""Complementary aid's items on the facilitator's to-do list: open advocacy cases."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from assistance.selectors import cases_due
from pkh.registry import TodoItem

DUE_SOON_DAYS = 7
MAX_ITEMS = 100


def open_cases(*, user, today: datetime.date) -> list[TodoItem]:
    """The facilitator's open cases whose next step is due within a week, overdue, or
    not yet planned (no date: it needs one)."""
    if getattr(user, "role", None) != Role.FACILITATOR:
        return []
    until = today + datetime.timedelta(days=DUE_SOON_DAYS)
    cases = cases_due(user=user, until=until)[:MAX_ITEMS]
    items = []
    for case in cases:
        what = case.aid.code if case.aid_id else case.get_kind_display()
        step = case.next_step or _("tentukan langkah berikutnya")
        items.append(
            TodoItem(
                kind="advocacy_case",
                kind_label=_("Kasus advokasi"),
                label=_("Advokasi %(what)s: %(step)s") % {"what": what, "step": step},
                due=case.next_step_due,
                url=reverse("assistance:case_detail", args=[case.pk]),
                household_label=case.pengurus_name or case.household.id_keluarga,
                overdue=bool(case.next_step_due and case.next_step_due < today),
            )
        )
    return items

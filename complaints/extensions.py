"""What complaints adds to other apps (``pkh.extensions``): the complaints panel on the
family page, open tickets on the to-do list (by due date), its menu entries, demo data,
the overdue count in the weekly digest, and open tickets following a family that moves
to another facilitator."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import demo
from complaints.models import OPEN_STATUSES
from complaints.selectors import OVERDUE, complaints_due, household_complaints, overdue_count
from complaints.services import complaints_follow_transfer
from pkh import extensions
from pkh.extensions import DigestLine, NavItem, Panel, TodoItem
from pkh.permissions import EVERY_ROLE, LEADS, is_lead, may_open_complaint

MAX_TODO_ITEMS = 100


def family_panel(*, request, household) -> Panel:
    complaints = household_complaints(household=household)
    return Panel(
        title=_("Pengaduan"),
        template="complaints/panel.html",
        context={
            "household": household,
            "complaints": complaints,
            "open_count": sum(1 for c in complaints if c.status in OPEN_STATUSES),
            "can_open": may_open_complaint(request.user, household),
        },
    )


def open_complaints(*, user, today: datetime.date) -> list[TodoItem]:
    """A facilitator's open complaints, and those escalated to a supervisor or an admin,
    by due date."""
    items = []
    for complaint in complaints_due(user=user, limit=MAX_TODO_ITEMS):
        items.append(
            TodoItem(
                kind="complaint",
                kind_label=_("Pengaduan"),
                label=_("Pengaduan #%(n)d: %(category)s (%(status)s)")
                % {
                    "n": complaint.pk,
                    "category": complaint.category.name,
                    "status": complaint.get_status_display().lower(),
                },
                due=complaint.due_on,
                url=reverse("complaints:detail", args=[complaint.pk]),
                household_label=complaint.pengurus_name or complaint.household.id_keluarga,
                overdue=complaint.due_on < today,
                facilitator_label=str(complaint.facilitator or "") if is_lead(user) else "",
                facilitator_id=complaint.facilitator_id if is_lead(user) else None,
            )
        )
    return items


def overdue_digest(*, user) -> list[DigestLine]:
    """The weekly digest's line: open complaints past their deadline in the user's scope."""
    url = reverse("complaints:list") + f"?status={OVERDUE}"
    return [DigestLine(label=_("Pengaduan lewat tenggat"), count=overdue_count(user=user), url=url)]


def follow_transfers(*, household_ids: set[int], fields: frozenset[str] | None) -> None:
    if fields is not None and "facilitator" not in fields:
        return
    complaints_follow_transfer(household_ids=household_ids)


def register() -> None:
    for item in (
        NavItem(gettext_lazy("Pengaduan"), "complaints:list", EVERY_ROLE, more=True),
        NavItem(gettext_lazy("Papan pengaduan"), "complaints:board", LEADS, more=True),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.family_panels.register("complaints", family_panel)
    extensions.todo_sources.register("complaints", open_complaints)
    extensions.demo_seeders.register("complaints", demo.seed_complaints)
    extensions.digest_sections.register("complaints", overdue_digest)
    extensions.families_changed_reactions.register("complaints", follow_transfers)

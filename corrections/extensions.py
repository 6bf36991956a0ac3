"""What data corrections add to the shared pages (``pkh.extensions``): a panel on the
family page, to-do items (returned to the facilitator; waiting for the supervisor or the
admin), menu entries, demo data and the weekly digest's line."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corrections import demo
from corrections.selectors import (
    household_corrections,
    pending_count,
    returned_to_facilitator,
    waiting_for_decision,
)
from pkh import extensions
from pkh.extensions import DigestLine, NavItem, Panel, TodoItem
from pkh.permissions import ADMINS, EVERY_ROLE, is_lead, may_propose_correction

MAX_TODO_ITEMS = 100


def family_panel(*, request, household) -> Panel | None:
    corrections = household_corrections(household=household)
    can_propose = may_propose_correction(request.user, household)
    if not corrections and not can_propose:
        return None
    return Panel(
        title=_("Koreksi data"),
        template="corrections/_family_panel.html",
        context={
            "corrections": corrections,
            "can_propose": can_propose,
            "household": household,
            "members": list(household.members.filter(left_on__isnull=True)) if can_propose else [],
        },
    )


def _label(c) -> str:
    return c.household.pengurus_name_cache or c.household.id_keluarga


def corrections_todo(*, user, today: datetime.date) -> list[TodoItem]:
    items = [
        TodoItem(
            kind="correction_returned",
            kind_label=_("Koreksi data dikembalikan"),
            label=_("Koreksi #%(pk)d: %(kind)s") % {"pk": c.pk, "kind": c.get_kind_display()},
            due=c.decided_at.date() if c.decided_at else None,
            url=reverse("corrections:detail", args=[c.pk]),
            household_label=_label(c),
        )
        for c in returned_to_facilitator(user=user)[:MAX_TODO_ITEMS]
    ]
    items += [
        TodoItem(
            kind="correction_waiting",
            kind_label=_("Koreksi data menunggu keputusan"),
            label=_("Koreksi #%(pk)d: %(kind)s") % {"pk": c.pk, "kind": c.get_kind_display()},
            due=c.proposed_at.date(),
            url=reverse("corrections:detail", args=[c.pk]),
            household_label=_label(c),
            facilitator_label=str(c.household.facilitator or ""),
            facilitator_id=c.household.facilitator_id,
        )
        for c in waiting_for_decision(user=user)[:MAX_TODO_ITEMS]
    ]
    return items


def corrections_waiting_digest(*, user) -> list[DigestLine]:
    """The weekly digest's line (``notifications``): corrections waiting for this
    supervisor's or admin's decision, linking to the list's *Perlu keputusan* view. A
    count and a link only."""
    if not is_lead(user):
        return []
    url = reverse("corrections:list") + "?lihat=decide"
    return [
        DigestLine(
            label=_("Koreksi data menunggu keputusan"), count=pending_count(user=user), url=url
        )
    ]


def register() -> None:
    for item in (
        NavItem(gettext_lazy("Koreksi data"), "corrections:list", EVERY_ROLE, more=True),
        NavItem(gettext_lazy("Ekspor koreksi"), "corrections:export", ADMINS, more=True),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.family_panels.register("corrections", family_panel)
    extensions.todo_sources.register("corrections", corrections_todo)
    extensions.demo_seeders.register("corrections", demo.corrections_demo)
    extensions.digest_sections.register("corrections", corrections_waiting_digest)

"""What P2K2 / FDS adds to other apps (``pkh.extensions``): the P2K2 section of the family
page, absentees to visit on the to-do list, its menu entries and demo data, and the
membership periods kept in step after families are written."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fds_sessions import demo
from fds_sessions.selectors import family as family_selectors
from fds_sessions.selectors import followups as followup_selectors
from fds_sessions.services import memberships_sync
from pkh import extensions
from pkh.extensions import NavItem, Panel, TodoItem
from pkh.permissions import ADMINS, EVERY_ROLE, is_facilitator
from pkh.sql import timed

MAX_TODO_ITEMS = 100


def fds_followups(*, user, today: datetime.date) -> list[TodoItem]:
    """Families absent from two meetings in a row, until an FDS follow-up visit is logged.

    Only on facilitators' lists: they make the visit. Supervisors and admins see the
    attendance figures on the group pages instead.
    """
    if not is_facilitator(user):
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
        for item in followup_selectors.fds_followups_due(user=user, today=today)[:MAX_TODO_ITEMS]
    ]


def family_panel(*, request, household) -> Panel | None:
    """The family page's P2K2 section: current group, this year's attendance, last meetings."""
    year = timezone.localdate().year
    summary = family_selectors.household_fds_summary(
        user=request.user, household=household, year=year
    )
    return Panel(
        title=_("P2K2"),
        template="fds_sessions/family_panel.html",
        context={"summary": summary, "year": year},
    )


def memberships_follow(*, household_ids: set[int], fields: frozenset[str] | None) -> None:
    """Reconcile membership periods when the families' group may have changed."""
    if fields is None or "fds_group" in fields:
        with timed("memberships_sync"):  # logged with IMPORTS_SQL_TIMING=1 (benchmarks)
            memberships_sync(household_ids=household_ids)


def register() -> None:
    for item in (
        NavItem(gettext_lazy("P2K2"), "fds_sessions:group_list", EVERY_ROLE),
        NavItem(
            gettext_lazy("Modul P2K2"),
            "fds_sessions:module_list",
            ADMINS,
            for_catalogue_keepers=True,
            more=True,
        ),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.todo_sources.register("fds_sessions", fds_followups)
    extensions.family_panels.register("fds_sessions", family_panel)
    extensions.demo_seeders.register("fds_sessions", demo.seed_fds_demo)
    extensions.families_changed_reactions.register("fds_sessions", memberships_follow)

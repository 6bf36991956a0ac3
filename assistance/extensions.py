"""What complementary aid adds to other apps (``pkh.extensions``): the aid panel on the
family page, open advocacy cases on the to-do list, its menu entries and demo data, and
the refresh of the stored aid eligibility after families or members are written."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance import demo
from assistance.selectors.cases import cases_due, household_cases
from assistance.selectors.panel import household_aid_panel
from assistance.services.eligibility import aid_eligibility_refresh, aid_household_copy_sync
from pkh import extensions
from pkh.extensions import NavItem, Panel, TodoItem
from pkh.permissions import EVERY_ROLE, is_facilitator, may_edit_aid, may_manage_case

CASES_DUE_SOON_DAYS = 7
MAX_TODO_ITEMS = 100

# Fields of Household that never change aid eligibility nor the copy kept on the aid
# rows: a change of only these does nothing here.
IRRELEVANT_FIELDS = frozenset(
    {"fds_group", "address", "rt", "rw", "phone", "last_visit_on", "welfare_decile"}
    | {"year_joined", "no_kk", "updated_at"}
)
# Copied onto the aid rows (facilitator, village) without changing eligibility: a
# transfer of 5,000 families to another facilitator is one UPDATE, not a refresh.
COPIED_FIELDS = frozenset({"facilitator", "village"})


def aid_panel(*, request, household) -> Panel:
    user = request.user
    return Panel(
        title=_("Bantuan komplementer"),
        template="assistance/panel.html",
        context={
            "household": household,
            "aids": household_aid_panel(household=household),
            "cases": list(household_cases(household=household)[:20]),
            "can_edit": may_edit_aid(user, household),
            "can_open_case": may_manage_case(user, household),
        },
    )


def open_cases(*, user, today: datetime.date) -> list[TodoItem]:
    """The facilitator's open cases whose next step is due within a week, overdue, or
    not yet planned (no date: it needs one)."""
    if not is_facilitator(user):
        return []
    until = today + datetime.timedelta(days=CASES_DUE_SOON_DAYS)
    cases = cases_due(user=user, until=until)[:MAX_TODO_ITEMS]
    items = []
    for case in cases:
        what = case.aid.name if case.aid_id else case.get_kind_display()
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


def eligibility_follow(*, household_ids: set[int], fields: frozenset[str] | None) -> None:
    """Keep the stored aid eligibility in step with the household registry.

    A family's or member's change (status, exit, birth date, components) can change which
    aids the catalogue's rule makes them eligible for. The refresh of one family costs a
    handful of queries and runs inside the writing transaction, so the family page and
    the coverage figures never disagree. A change of only the facilitator or village
    copies them onto the aid rows; a change of only fields that matter to neither does
    nothing.
    """
    if fields is not None and fields <= IRRELEVANT_FIELDS:
        return
    if fields is not None and fields <= IRRELEVANT_FIELDS | COPIED_FIELDS:
        aid_household_copy_sync(household_ids=household_ids)
        return
    aid_eligibility_refresh(household_ids=household_ids)


def register() -> None:
    for item in (
        NavItem(gettext_lazy("Bansos"), "assistance:gap", EVERY_ROLE),
        # The roles reach the catalogue from the Bansos pages; a keeper has no role for them.
        NavItem(
            gettext_lazy("Katalog bansos"),
            "assistance:catalogue",
            (),
            for_catalogue_keepers=True,
            more=True,
        ),
    ):
        extensions.menu_items.register(item.url_name, item)
    extensions.family_panels.register("assistance", aid_panel)
    extensions.todo_sources.register("assistance", open_cases)
    extensions.demo_seeders.register("assistance", demo.seed_assistance)
    extensions.families_changed_reactions.register("assistance", eligibility_follow)

"""The aid panel on the family page (registered with ``pkh.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from assistance import selectors
from assistance.services import can_edit_aid
from pkh.registry import Panel


def aid_panel(*, request, household) -> Panel:
    user = request.user
    return Panel(
        title=_("Bantuan komplementer"),
        template="assistance/panel.html",
        context={
            "household": household,
            "aids": selectors.household_aid_panel(household=household),
            "cases": list(selectors.household_cases(household=household)[:20]),
            "can_edit": can_edit_aid(user=user, household=household),
            "can_open_case": household.facilitator_id == user.pk,
        },
        order=20,
    )

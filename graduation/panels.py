"""The graduation panel on the family page (registered in ``GraduationConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from graduation.hooks import facts_for
from graduation.selectors import family_summary
from pkh.registry import Panel


def family_panel(*, request, household) -> Panel:
    summary = family_summary(household=household)
    return Panel(
        title=_("Graduasi"),
        template="graduation/_family_panel.html",
        context={
            "summary": summary,
            "facts": facts_for(household=household, user=request.user),
            "is_owner": household.facilitator_id == request.user.pk,
            "household": household,
        },
        order=50,
    )

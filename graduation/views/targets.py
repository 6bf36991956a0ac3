"""The supervisor sets the team's quarterly self-graduation targets."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from graduation.forms import TargetsForm
from graduation.selectors import review as review_selectors
from graduation.selectors import targets as target_selectors
from graduation.services import targets as target_services
from graduation.views.listing import quarter_from_request
from pkh.forms import add_service_errors
from pkh.permissions import role_required


@role_required(Role.SUPERVISOR)
def targets_edit(request):
    year, quarter, quarter_form = quarter_from_request(request)
    team = review_selectors.team_list(user=request.user)
    current = target_selectors.quarterly_targets(user=request.user, year=year, quarter=quarter)
    form = TargetsForm(
        request.POST or None,
        facilitators=team,
        initial={f"target_{pk}": value for pk, value in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            target_services.targets_set(
                by=request.user, year=year, quarter=quarter, targets=form.targets()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target triwulan disimpan."))
            return redirect(f"{request.path}?tahun={year}&triwulan={quarter}")
    return render(
        request,
        "graduation/targets_form.html",
        {
            "form": form,
            "quarter_form": quarter_form,
            "year": year,
            "quarter": quarter,
            "yearly_default": settings.PKH_GRADUATION_YEARLY_TARGET,
        },
    )

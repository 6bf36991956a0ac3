"""Post-graduation monitoring pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from graduation.forms import MonitoringForm
from graduation.selectors import monitoring as monitoring_selectors
from graduation.services import monitoring as monitoring_services
from graduation.views.listing import paginate, query_without_page
from pkh.forms import add_service_errors
from pkh.permissions import role_required


def monitoring_list(request):
    today = timezone.localdate()
    qs = monitoring_selectors.monitoring_open(user=request.user)
    return render(
        request,
        "graduation/monitoring_list.html",
        {"page": paginate(request, qs), "today": today, "query": query_without_page(request)},
    )


@role_required(Role.FACILITATOR)
def monitoring_record(request, pk: int):
    visit = monitoring_selectors.monitoring_get(user=request.user, pk=pk)
    household = visit.graduation.household
    form = MonitoringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            monitoring_services.monitoring_record(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pemantauan dicatat."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "graduation/monitoring_form.html",
        {"form": form, "visit": visit, "household": household},
    )

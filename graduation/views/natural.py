"""Natural graduation pages: the detected families and the confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation.forms import NaturalConfirmForm
from graduation.selectors import natural as natural_selectors
from graduation.services import graduations as graduation_services
from graduation.views.listing import facilitator_filter, paginate, query_without_page
from households.selectors import household_get
from pkh.permissions import role_required


def natural_list(request):
    ids = natural_selectors.natural_graduation_ids(
        user=request.user, facilitator=facilitator_filter(request)
    )
    page = paginate(request, ids)
    rows = natural_selectors.natural_graduation_rows(list(page))
    reasons = natural_selectors.natural_graduation_reasons([h.pk for h in rows])
    for household in rows:
        household.natural_reasons = reasons.get(household.pk, [])
    return render(
        request,
        "graduation/natural_list.html",
        {
            "page": page,
            "rows": rows,
            "confirm_form": NaturalConfirmForm(),
            "query": query_without_page(request),
        },
    )


@require_POST
@role_required(Role.FACILITATOR)
def natural_confirm(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form = NaturalConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tanggal graduasi tidak valid."))
        return redirect("graduation:natural_list")
    try:
        graduation_services.natural_graduation_confirm(
            household=household, by=request.user, date=form.cleaned_data["date"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("graduation:natural_list")
    messages.success(request, _("Graduasi alamiah dikonfirmasi."))
    return redirect("households:detail", pk=household.pk)

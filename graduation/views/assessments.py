"""Welfare assessment pages: record one, read one, a family's history."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from graduation.forms import AssessmentEntryForm
from graduation.selectors import assessment_forms as form_selectors
from graduation.selectors import assessments as assessment_selectors
from graduation.services import assessments as assessment_services
from households.selectors import family_header, household_get
from pkh.forms import add_service_errors
from pkh.permissions import is_family_facilitator, role_required


@role_required(Role.FACILITATOR)
def assessment_create(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form_version = form_selectors.form_current()
    if form_version is None:
        raise Http404
    groups = form_selectors.form_groups(form=form_version)
    form = AssessmentEntryForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            assessment, created = assessment_services.assessment_create(
                household=household,
                form=form_version,
                answers=form.answers(),
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                notes=form.cleaned_data["notes"],
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Penilaian disimpan: skor %(score)d%%, %(readiness)s.")
                    % {
                        "score": assessment.score_pct,
                        "readiness": assessment.get_readiness_display(),
                    },
                )
            else:
                messages.info(request, _("Penilaian ini sudah tersimpan sebelumnya."))
            return redirect("graduation:assessment_detail", pk=assessment.pk)
    elif request.method == "POST":
        messages.error(request, _("Ada indikator yang belum dijawab. Periksa tanda merah."))
    return render(
        request,
        "graduation/assessment_form.html",
        {
            "form": form,
            "household": household,
            "family": family_header(household=household),
            "form_version": form_version,
        },
    )


def assessment_detail(request, pk: int):
    assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
    answers = assessment_selectors.assessment_answers(assessment=assessment)
    return render(
        request,
        "graduation/assessment_detail.html",
        {
            "assessment": assessment,
            "answers": answers,
            "household": assessment.household,
            # Today's thresholds (a local default), beside the class stored that day.
            "thresholds": (
                settings.PKH_GRADUATION_APPROACHING_SCORE,
                settings.PKH_GRADUATION_READY_SCORE,
            ),
        },
    )


def assessment_history(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    assessments, rows = assessment_selectors.assessment_history(household=household)
    return render(
        request,
        "graduation/assessment_history.html",
        {
            "household": household,
            "assessments": assessments,
            "rows": rows,
            "can_assess": is_family_facilitator(request.user, household),
        },
    )

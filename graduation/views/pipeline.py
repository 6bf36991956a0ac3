"""The self-graduation pipeline: the board (or list) and one family's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation.forms import PipelineAddForm, PipelineRecordForm
from graduation.models import MANUAL_STAGES, Stage
from graduation.selectors import assessments as assessment_selectors
from graduation.selectors import pipeline as pipeline_selectors
from graduation.selectors import proposals as proposal_selectors
from graduation.selectors import review as review_selectors
from graduation.services import pipeline as pipeline_services
from graduation.views.listing import facilitator_filter, paginate, query_without_page
from households.selectors import facilitator_list, household_get
from pkh.forms import add_service_errors
from pkh.permissions import is_facilitator, is_family_facilitator, role_required

BOARD_COLUMN_SIZE = 30


def pipeline_board(request):
    """The pipeline as a board (a column per stage) or, with ``?tampilan=daftar``, a list."""
    facilitator = facilitator_filter(request)
    stage = request.GET.get("tahap") or None
    if stage not in Stage.values:
        stage = None
    context = {
        "stages": Stage.choices,
        "stage": stage,
        "facilitators": (
            facilitator_list(user=request.user) if not is_facilitator(request.user) else None
        ),
        "facilitator": facilitator,
        "query": query_without_page(request),
    }
    if request.GET.get("tampilan") == "daftar" or stage:
        qs = pipeline_selectors.pipeline_list(
            user=request.user, stage=stage, facilitator=facilitator
        )
        context["page"] = paginate(request, qs)
        return render(request, "graduation/pipeline_list.html", context)
    entries, counts = pipeline_selectors.pipeline_board(
        user=request.user, facilitator=facilitator, per_stage=BOARD_COLUMN_SIZE
    )
    columns = [
        {"stage": value, "label": label, "entries": entries[value], "count": counts.get(value, 0)}
        for value, label in Stage.choices
    ]
    context["columns"] = columns
    if is_facilitator(request.user):
        context["progress"] = review_selectors.quarter_progress(
            user=request.user, today=timezone.localdate()
        )
    return render(request, "graduation/pipeline_board.html", context)


def pipeline_family(request, pk: int):
    """One family's graduation work: pipeline stage and notes, proposals, assessments."""
    household = household_get(user=request.user, pk=pk)
    entry = pipeline_selectors.pipeline_entry(household=household)
    is_owner = is_family_facilitator(request.user, household)
    context = {
        "household": household,
        "entry": entry,
        "events": pipeline_selectors.pipeline_events(entry=entry) if entry else [],
        "proposals": proposal_selectors.proposal_history(household=household),
        "latest": assessment_selectors.assessment_latest(household=household),
        "is_owner": is_owner,
    }
    if is_owner:
        if entry is None:
            context["add_form"] = PipelineAddForm()
        else:
            context["record_form"] = PipelineRecordForm(current_stage=entry.stage)
            context["manual_stage"] = entry.stage in MANUAL_STAGES
    return render(request, "graduation/pipeline_family.html", context)


@require_POST
@role_required(Role.FACILITATOR)
def pipeline_add(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form = PipelineAddForm(request.POST)
    if form.is_valid():
        try:
            pipeline_services.pipeline_add(
                household=household, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Keluarga masuk tahapan graduasi."))
            return redirect("graduation:pipeline_family", pk=household.pk)
    return _pipeline_form_errors(request, household, form)


@require_POST
@role_required(Role.FACILITATOR)
def pipeline_record(request, pk: int):
    entry = pipeline_selectors.pipeline_get(user=request.user, household_pk=pk)
    form = PipelineRecordForm(request.POST, current_stage=entry.stage)
    if form.is_valid():
        try:
            pipeline_services.pipeline_record(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Catatan disimpan."))
            return redirect("graduation:pipeline_family", pk=pk)
    return _pipeline_form_errors(request, entry.household, form)


def _pipeline_form_errors(request, household, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("graduation:pipeline_family", pk=household.pk)

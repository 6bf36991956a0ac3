"""Graduation proposals: submit, list, read, decide, the signed statement."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation.forms import DecisionForm, ProposalForm
from graduation.models import ProposalStatus
from graduation.selectors import assessments as assessment_selectors
from graduation.selectors import proposals as proposal_selectors
from graduation.services import proposals as proposal_services
from graduation.validators import EXTENSIONS
from graduation.views.listing import paginate, query_without_page
from households.selectors import family_header, household_get
from pkh.files import private_file_response
from pkh.forms import add_service_errors
from pkh.permissions import can_decide_graduation, role_required


@role_required(Role.FACILITATOR)
def proposal_create(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposal_services.proposal_submit(
                household=household,
                by=request.user,
                reason=form.cleaned_data["reason"],
                exit_type=form.cleaned_data["exit_type"],
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Usulan dikirim ke supervisor."))
            return redirect("graduation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "graduation/proposal_form.html",
        {
            "form": form,
            "household": household,
            "family": family_header(household=household),
            "latest": assessment_selectors.assessment_latest(household=household),
            "cutoff": proposal_selectors.assessment_max_age_cutoff(),
            "max_bytes": settings.PKH_GRADUATION_STATEMENT_MAX_BYTES,
        },
    )


def proposal_list(request):
    status = request.GET.get("status") or None
    if status not in ProposalStatus.values:
        status = None
    qs = proposal_selectors.proposal_queue(user=request.user, status=status)
    return render(
        request,
        "graduation/proposal_list.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "statuses": ProposalStatus.choices,
            "query": query_without_page(request),
        },
    )


def proposal_detail(request, pk: int):
    proposal = proposal_selectors.proposal_get(user=request.user, pk=pk)
    can_decide = proposal.status == ProposalStatus.PENDING and can_decide_graduation(
        request.user, proposal
    )
    return render(
        request,
        "graduation/proposal_detail.html",
        {
            "proposal": proposal,
            "household": proposal.household,
            "family": family_header(household=proposal.household),
            "can_decide": can_decide,
            "decision_form": DecisionForm() if can_decide else None,
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def proposal_decide(request, pk: int):
    proposal = proposal_selectors.proposal_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        try:
            proposal_services.proposal_decide(
                proposal=proposal,
                by=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
                graduation_date=form.cleaned_data["graduation_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Usulan disetujui; keluarga tercatat graduasi.")
                if approve
                else _("Usulan dikembalikan ke pendamping."),
            )
            return redirect("graduation:proposal_detail", pk=proposal.pk)
    proposal.refresh_from_db()
    still_pending = proposal.status == ProposalStatus.PENDING
    return render(
        request,
        "graduation/proposal_detail.html",
        {
            "proposal": proposal,
            "household": proposal.household,
            "family": family_header(household=proposal.household),
            "can_decide": still_pending,
            "decision_form": form,
            "decision_errors": None if still_pending else form.non_field_errors(),
        },
        status=400,
    )


def proposal_statement(request, pk: int):
    """The signed statement, only to users who may see the family (never a public URL)."""
    proposal = proposal_selectors.proposal_get(user=request.user, pk=pk)
    content_type = proposal.statement_content_type
    extension = EXTENSIONS.get(content_type, ".bin")
    return private_file_response(
        proposal.statement,
        content_type=content_type,
        filename=f"surat-pernyataan-{proposal.pk}{extension}",
    )

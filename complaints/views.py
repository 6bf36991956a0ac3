"""Complaint pages: thin views over complaints.selectors and complaints.services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import CaseKind
from assistance.selectors.cases import household_member_choices
from assistance.selectors.catalogue import aid_choices
from assistance.selectors.resources import resource_choices
from complaints import selectors, services
from complaints.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    LinkCaseForm,
    NoteForm,
    OpenCaseForm,
    ReferForm,
    RejectForm,
    ResolveForm,
)
from complaints.models import ComplaintStatus
from households.selectors import family_header, household_get
from pkh.files import private_file_response
from pkh.forms import add_service_errors
from pkh.permissions import (
    EVERY_ROLE,
    LEADS,
    is_facilitator,
    may_handle_complaint,
    may_manage_case,
    may_open_complaint,
    may_reject_complaint,
    may_see_complaint_board,
    role_required,
)
from pkh.quarter_calendar import quarter_first_day, quarter_of


@role_required(*EVERY_ROLE)
def complaint_list(request):
    categories = list(selectors.category_choices())
    facilitators = (
        [] if is_facilitator(request.user) else selectors.facilitator_choices(user=request.user)
    )
    form = ComplaintFilterForm(
        request.GET or None, categories=categories, facilitators=facilitators
    )
    filters = form.cleaned_data if form.is_valid() else {}
    pendamping = filters.get("pendamping") or ""
    qs = selectors.complaint_list(
        user=request.user,
        status=filters.get("status") or "",
        category=int(filters["kategori"]) if filters.get("kategori") else None,
        facilitator=int(pendamping) if pendamping.isdigit() else None,
        unassigned=pendamping == selectors.NO_FACILITATOR,
        escalated=bool(filters.get("eskalasi")),
        closed_since=filters.get("sejak"),
    )
    page = Paginator(qs, settings.PKH_COMPLAINT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "can_board": may_see_complaint_board(request.user),
        },
    )


@role_required(*EVERY_ROLE)
def complaint_create(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    if not may_open_complaint(request.user, household):
        raise PermissionDenied
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        categories=selectors.category_choices(),
        members=household_member_choices(household=household),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, _created = services.complaint_open(
                household=household,
                by=request.user,
                category=data["category"],
                channel=data["channel"],
                description=data["description"],
                member=data["member"],
                photo=data["photo"],
                client_token=data["client_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Pengaduan #%(n)d dibuka; batas waktu %(due)s.")
                % {"n": complaint.pk, "due": complaint.due_on.strftime("%d-%m-%Y")},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/form.html",
        {"form": form, "household": household, "header": family_header(household=household)},
    )


ACTIONS = ("start", "refer", "resolve", "reject", "note", "link")


@role_required(*EVERY_ROLE)
def complaint_detail(request, pk: int):
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    user = request.user
    can_handle = may_handle_complaint(user, complaint) and complaint.is_open
    can_reject = may_reject_complaint(user, complaint)
    can_open_case = (
        may_manage_case(user, complaint.household)
        and complaint.is_open
        and not complaint.advocacy_case_id
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        if action not in ACTIONS:
            raise Http404
        if action == "reject" and not can_reject:
            raise PermissionDenied
        if action != "reject" and not may_handle_complaint(user, complaint):
            raise PermissionDenied

    def bound(name):
        return request.POST if action == name else None

    forms = {}
    if can_handle:
        forms["start"] = NoteForm(bound("start"), prefix="start")
        forms["refer"] = ReferForm(
            bound("refer"), prefix="refer", resources=resource_choices(user=user)
        )
        forms["resolve"] = ResolveForm(bound("resolve"), prefix="resolve")
        forms["note"] = NoteForm(bound("note"), prefix="note")
        if not complaint.advocacy_case_id:
            forms["link"] = LinkCaseForm(
                bound("link"),
                prefix="link",
                cases=selectors.household_case_choices(household=complaint.household),
            )
    if can_reject:
        forms["reject"] = RejectForm(bound("reject"), prefix="reject")
    if action:
        form = forms.get(action)
        if form is None:  # e.g. the complaint was closed meanwhile
            messages.error(request, _("Pengaduan ini sudah ditutup."))
            return redirect("complaints:detail", pk=complaint.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "start":
                    services.complaint_start(complaint=complaint, by=user, note=data["note"])
                elif action == "refer":
                    services.complaint_refer(
                        complaint=complaint, by=user, resource=data["resource"], note=data["note"]
                    )
                elif action == "resolve":
                    services.complaint_resolve(
                        complaint=complaint, by=user, resolution=data["resolution"]
                    )
                elif action == "reject":
                    services.complaint_reject(complaint=complaint, by=user, reason=data["reason"])
                elif action == "note":
                    services.complaint_note(complaint=complaint, by=user, note=data["note"])
                elif action == "link":
                    services.complaint_link_case(complaint=complaint, by=user, case=data["case"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Pengaduan #%(n)d diperbarui.") % {"n": complaint.pk})
                return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "events": selectors.complaint_events(complaint=complaint),
            "forms": forms,
            "failed": action,
            "can_start": can_handle and complaint.status == ComplaintStatus.NEW,
            "can_open_case": can_open_case,
            "header": family_header(household=complaint.household),
        },
        status=400 if action else 200,
    )


@role_required(*EVERY_ROLE)
def complaint_open_case(request, pk: int):
    """Open an advocacy case from the complaint: only what the case needs beyond it."""
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    if not (may_manage_case(request.user, complaint.household) and complaint.is_open):
        raise PermissionDenied
    if complaint.advocacy_case_id:
        return redirect("assistance:case_detail", pk=complaint.advocacy_case_id)
    suggested = complaint.category.case_kind or CaseKind.OTHER
    form = OpenCaseForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": suggested},
        aids=aid_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.complaint_open_case(
                complaint=complaint, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Kasus advokasi dibuka dari pengaduan #%(n)d.") % {"n": complaint.pk}
            )
            return redirect("assistance:case_detail", pk=case.pk)
    return render(request, "complaints/open_case.html", {"form": form, "complaint": complaint})


@role_required(*EVERY_ROLE)
def complaint_photo(request, pk: int, size: str):
    """The document photo, only for users who may see the complaint (never a public URL)."""
    if size not in ("kecil", "besar"):
        raise Http404
    complaint = selectors.complaint_get(user=request.user, pk=pk)
    field = complaint.photo_thumbnail if size == "kecil" else complaint.photo
    return private_file_response(
        field,
        content_type="image/jpeg",
        filename=f"pengaduan-{complaint.pk}-{size}.jpg",
        cache="private, max-age=3600",
    )


@role_required(*LEADS)
def team_board(request):
    """Open, overdue and resolved complaints by category and facilitator; every number
    links to the list filtered the same way."""
    today = timezone.localdate()
    since = quarter_first_day(*quarter_of(today))
    board = selectors.team_board(user=request.user, since=since, today=today)
    base = reverse("complaints:list")
    return render(
        request,
        "complaints/board.html",
        {
            "board": board,
            "since": since,
            "since_iso": since.isoformat(),
            "list_url": base,
            "tables": [
                (_("Menurut kategori"), board.by_category, "kategori"),
                (_("Menurut pendamping"), board.by_facilitator, "pendamping"),
            ],
        },
    )

"""Pages of complementary aid. Thin: role check (403), scoped read (404), one service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.exports import gap_xlsx
from assistance.forms import (
    AidForm,
    AidStatusForm,
    CaseCloseForm,
    CaseFilterForm,
    CaseOpenForm,
    CaseUpdateForm,
    GapFilterForm,
    ResourceFilterForm,
    ResourceForm,
)
from assistance.models import AidStatus, AidUnit
from assistance.selectors.cases import case_get, case_history, household_member_choices
from assistance.selectors.cases import case_list as case_list_read
from assistance.selectors.catalogue import aid_get, aid_list
from assistance.selectors.coverage import (
    aid_coverage_by_district,
    aid_coverage_by_facilitator,
    aid_coverage_by_village,
    coverage_total,
)
from assistance.selectors.gap import (
    aid_gap_details,
    aid_gap_ids,
    aid_gap_list,
    aid_gap_rows,
    area_is_large,
    gap_area_choices,
    gap_facilitator_choices,
)
from assistance.selectors.panel import enrolment_for, household_member_get
from assistance.selectors.resources import (
    area_choices,
    resource_choices,
    resource_editable_ids,
    resource_get,
)
from assistance.selectors.resources import resource_list as resource_list_read
from assistance.services.aid_status import aid_status_set
from assistance.services.cases import case_close, case_update
from assistance.services.cases import case_open as case_open_write
from assistance.services.catalogue import AID_FIELDS, aid_save
from assistance.services.resources import RESOURCE_FIELDS, resource_save
from households.selectors import household_get
from pkh.extensions import refresh_notices_for
from pkh.forms import add_service_errors
from pkh.pagination import CappedPaginator
from pkh.permissions import (
    EVERY_ROLE,
    FACILITATORS,
    FAMILY_EDITORS,
    LEADS,
    can_edit_national_catalogue,
    is_facilitator,
    may_edit_aid,
    may_manage_case,
    may_manage_resources,
    national_catalogue_keeper_required,
    role_required,
)

GAP_PAGE_SIZE = getattr(settings, "PKH_CASELOAD_PAGE_SIZE", 50)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------- aid status (family page)


@role_required(*FAMILY_EDITORS)
def aid_status_edit(request, pk: int, code: str, member_pk: int | None = None):
    household = household_get(user=request.user, pk=pk)
    if not may_edit_aid(request.user, household):
        raise Http404
    aid = aid_get(code=code)
    member = None
    if aid.unit == AidUnit.MEMBER:
        member = household_member_get(household=household, pk=member_pk)
        if member is None:
            raise Http404
    elif member_pk is not None:
        raise Http404
    current = enrolment_for(household=household, aid=aid, member=member)
    initial = {"status": AidStatus.ELIGIBLE, "since": None}
    if current:
        initial = {
            "status": current.status,
            "since": current.since,
            "card_number": current.card_number,
            "office": current.office_id,
            "note": current.note,
        }
    form = AidStatusForm(
        request.POST or None,
        initial=initial,
        aid=aid,
        offices=resource_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("card_number", "")
        try:
            aid_status_set(household=household, aid=aid, member=member, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status bantuan disimpan."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "assistance/status_form.html",
        {"form": form, "household": household, "aid": aid, "member": member},
    )


# ---------------------------------------------------------------- coverage gap


def _gap_filters(request):
    user = request.user
    form = GapFilterForm(
        request.GET or None,
        aids=aid_list(active_only=True),
        areas=gap_area_choices(user=user),
        facilitators=gap_facilitator_choices(user=user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {
        "aid": filters.get("bantuan") or None,
        "village": filters.get("desa") or None,
        "facilitator": filters.get("pendamping"),
    }


@role_required(*EVERY_ROLE)
def gap(request):
    """Families and members eligible for an aid but not receiving it."""
    form, filters = _gap_filters(request)
    ids = aid_gap_ids(user=request.user, **filters)
    page = CappedPaginator(ids, GAP_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = aid_gap_rows(ids=list(page.object_list))
    return render(
        request,
        "assistance/gap.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "refresh_notices": refresh_notices_for("aid", user=request.user),
        },
    )


# One request builds the file: beyond this, the user narrows the filter (a district-wide
# export belongs in the quarterly reports' background jobs).
EXPORT_MAX_ROWS = 50_000


@role_required(*EVERY_ROLE)
def gap_export(request):
    """The coverage gap with the page's filters as an XLSX file (streamed from disk)."""
    _form, filters = _gap_filters(request)
    rows = aid_gap_list(user=request.user, **filters)
    total = rows.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _(
                "%(n)d baris terlalu banyak untuk diunduh (maks. %(max)d): saring per desa, "
                "pendamping atau bantuan."
            )
            % {"n": total, "max": EXPORT_MAX_ROWS},
        )
        query = _query_without_page(request)
        return redirect(f"{reverse('assistance:gap')}{'?' + query if query else ''}")
    handle = gap_xlsx(aid_gap_details(rows).iterator(chunk_size=2000))
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"kesenjangan-bansos-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


COVERAGE_PAGE_SIZE = 50


@role_required(*EVERY_ROLE)
def coverage(request):
    """Percentage receiving per aid, per facilitator and per village.

    An admin's province has ~800 facilitators and ~8,500 villages: each table is
    paginated on its own (``hal_pendamping``, ``hal_desa``); the "all" line sums the
    whole scope."""
    aids = list(aid_list(active_only=True))
    by_facilitator = aid_coverage_by_facilitator(user=request.user)
    by_district = area_is_large(user=request.user)
    if by_district:
        by_village = aid_coverage_by_district(user=request.user)
    else:
        by_village = aid_coverage_by_village(user=request.user)
    facilitator_page = Paginator(by_facilitator, COVERAGE_PAGE_SIZE).get_page(
        request.GET.get("hal_pendamping")
    )
    village_page = Paginator(by_village, COVERAGE_PAGE_SIZE).get_page(request.GET.get("hal_desa"))
    return render(
        request,
        "assistance/coverage.html",
        {
            "aids": aids,
            "facilitator_page": facilitator_page,
            "village_page": village_page,
            "by_district": by_district,
            "total": coverage_total(by_village),
            "refresh_notices": refresh_notices_for("aid", user=request.user),
        },
    )


# ---------------------------------------------------------------- catalogue


@role_required(*EVERY_ROLE, allow=can_edit_national_catalogue)
def catalogue(request):
    """The national aid catalogue: read by every role, changed by the national keeper."""
    return render(
        request,
        "assistance/catalogue.html",
        {"aids": aid_list(), "can_edit": can_edit_national_catalogue(request.user)},
    )


@national_catalogue_keeper_required
def aid_edit(request, code: str | None = None):
    aid = aid_get(code=code) if code else None
    initial = {}
    if aid:
        initial = {name: getattr(aid, name) for name in AID_FIELDS}
        initial["code"] = aid.code
        initial["components"] = list(aid.components.all())
    form = AidForm(request.POST or None, initial=initial, editing=aid is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code_value = data.pop("code")
        components = data.pop("components")
        for name in ("card_label", "card_pattern", "card_hint", "summary", "regulation"):
            data[name] = (data.get(name) or "").strip()
        try:
            aid_save(
                aid=aid,
                code=code_value if aid is None else "",
                components=components,
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Katalog bantuan disimpan."))
            return redirect("assistance:catalogue")
    return render(request, "assistance/aid_form.html", {"form": form, "aid": aid})


# ---------------------------------------------------------------- resource directory


@role_required(*EVERY_ROLE)
def resource_list(request):
    form = ResourceFilterForm(request.GET or None, aids=aid_list(active_only=True))
    filters = form.cleaned_data if form.is_valid() else {}
    resources = resource_list_read(
        user=request.user, aid=filters.get("bantuan") or None, kind=filters.get("jenis") or None
    )
    page = Paginator(resources, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/resource_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_edit": may_manage_resources(request.user),
            "editable_ids": resource_editable_ids(user=request.user, resources=page.object_list),
        },
    )


@role_required(*LEADS)
def resource_edit(request, pk: int | None = None):
    resource = resource_get(user=request.user, pk=pk, editable=True) if pk else None
    initial = {"is_active": True}
    if resource:
        initial = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
        initial["aids"] = list(resource.aids.all())
    form = ResourceForm(
        request.POST or None, initial=initial, areas=area_choices(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        aids = data.pop("aids")
        try:
            resource_save(resource=resource, aids=aids, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sistem sumber disimpan."))
            return redirect("assistance:resources")
    return render(request, "assistance/resource_form.html", {"form": form, "resource": resource})


# ---------------------------------------------------------------- advocacy cases


@role_required(*EVERY_ROLE)
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list_read(
        user=request.user,
        status=filters.get("status") or None,
        open_only=not filters.get("status"),
        kind=filters.get("jenis") or None,
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/case_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "today": timezone.localdate(),
        },
    )


@role_required(*FACILITATORS)
def case_open(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    if not may_manage_case(request.user, household):
        raise Http404
    initial = {"opened_on": timezone.localdate()}
    if request.GET.get("bantuan"):
        initial.update({"kind": "bansos", "aid": request.GET["bantuan"]})
        if (member := request.GET.get("anggota", "")).isdigit():
            initial["member"] = int(member)
    form = CaseOpenForm(
        request.POST or None,
        initial=initial,
        members=household_member_choices(household=household),
        resources=resource_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open_write(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kasus advokasi dibuka."))
            return redirect("assistance:case_detail", pk=case.pk)
    return render(request, "assistance/case_open.html", {"form": form, "household": household})


@role_required(*EVERY_ROLE)
def case_detail(request, pk: int):
    """A case with its history; its facilitator records progress or closes it here."""
    case = case_get(user=request.user, pk=pk)
    can_edit = may_manage_case(request.user, case.household) and not case.is_closed
    resources = resource_choices(user=request.user)
    update_form = close_form = None
    if can_edit:
        update_form = CaseUpdateForm(
            request.POST if request.POST.get("action") == "update" else None,
            initial={
                "status": case.status,
                "resource": case.resource_id,
                "taken_on": case.taken_on,
                "description": case.description,
                "next_step": case.next_step,
                "next_step_due": case.next_step_due,
            },
            resources=resources,
        )
        close_form = CaseCloseForm(
            request.POST if request.POST.get("action") == "close" else None,
            initial={"closed_on": timezone.localdate()},
        )
    if request.method == "POST":
        if not is_facilitator(request.user):
            raise PermissionDenied
        if not can_edit:
            messages.error(request, _("Kasus ini sudah ditutup."))
            return redirect("assistance:case_detail", pk=case.pk)
        action = request.POST.get("action")
        form = update_form if action == "update" else close_form if action == "close" else None
        if form is not None and form.is_valid():
            try:
                if action == "update":
                    case_update(case=case, by=request.user, **form.cleaned_data)
                else:
                    case_close(case=case, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Kasus diperbarui."))
                return redirect("assistance:case_detail", pk=case.pk)
    return render(
        request,
        "assistance/case_detail.html",
        {
            "case": case,
            "history": case_history(case=case),
            "can_edit": can_edit,
            "update_form": update_form,
            "close_form": close_form,
            "today": timezone.localdate(),
        },
    )

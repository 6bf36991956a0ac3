"""Roster import pages: upload, preview and progress (htmx polling), history, reports.

Admins only (403 for other roles); an import is visible only to the admin who ran it
(404 for anyone else).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imports import selectors, services
from imports.forms import ConfirmForm, RosterUploadForm
from imports.issue_report import report_response, report_rows
from imports.models import ImportMode, ImportStatus, IssueKind
from pkh.forms import add_service_errors
from pkh.permissions import ADMINS, role_required

REPORT_KINDS = {"ditolak": IssueKind.REJECTION, "peringatan": IssueKind.WARNING}
PAGE_SIZE = 25


def _status_context(roster_import) -> dict:
    context = {"imp": roster_import}
    if roster_import.validated_at and roster_import.status not in (
        ImportStatus.QUEUED,
        ImportStatus.VALIDATING,
    ):
        context["rejections"] = selectors.roster_import_issues(
            roster_import=roster_import, kind=IssueKind.REJECTION
        )
        context["warnings"] = selectors.roster_import_issues(
            roster_import=roster_import, kind=IssueKind.WARNING
        )
    if roster_import.status == ImportStatus.AWAITING_CONFIRMATION:
        context["can_import"] = services.writable_families(roster_import) > 0
        context["modes"] = ImportMode
    return context


@role_required(*ADMINS)
def import_list(request):
    services.roster_imports_fail_stale()
    services.roster_imports_derived_resume()
    imports = selectors.roster_import_list(user=request.user)
    page = Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


@role_required(*ADMINS)
def import_create(request):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            roster_import = services.roster_import_create(
                by=request.user,
                file=upload,
                file_name=upload.name,
                mode=form.cleaned_data["mode"],
                sheet=form.cleaned_data["sheet"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("imports:detail", pk=roster_import.pk)
    return render(
        request,
        "imports/create.html",
        {
            "form": form,
            "max_upload_mb": getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 200),
            "xlsx_max_expanded_mb": getattr(settings, "IMPORTS_XLSX_MAX_EXPANDED_MB", 1024),
            "xlsx_max_cell_chars": getattr(settings, "IMPORTS_XLSX_MAX_CELL_CHARS", 32767),
        },
    )


@role_required(*ADMINS)
def import_detail(request, pk: int):
    services.roster_imports_fail_stale()
    services.roster_imports_derived_resume()
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    return render(request, "imports/detail.html", _status_context(roster_import))


@role_required(*ADMINS)
def import_status(request, pk: int):
    """The status card alone: the detail page polls it with htmx while the import runs."""
    services.roster_imports_fail_stale()
    services.roster_imports_derived_resume()
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    return render(request, "imports/_status.html", _status_context(roster_import))


@require_http_methods(["GET", "POST"])
@role_required(*ADMINS)
def import_confirm(request, pk: int):
    """Confirm the preview (POST). Importing in another mode than the upload's (skip the
    families with rejected rows after an all-or-nothing upload) first shows a confirm step
    (GET) that names the mode change and how many families stay out; a POST that changes
    the mode without coming from that step is sent to it, never applied silently."""
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else request.GET)
    mode = form.cleaned_data["mode"] if form.is_valid() else None
    mode_change = bool(mode) and mode != roster_import.mode
    if request.method == "GET" or (mode_change and not form.cleaned_data["mode_change"]):
        if not mode_change or roster_import.status != ImportStatus.AWAITING_CONFIRMATION:
            return redirect("imports:detail", pk=roster_import.pk)
        if request.method == "POST":
            return redirect(f"{request.path}?{urlencode({'mode': mode})}")
        return render(
            request,
            "imports/confirm.html",
            {
                "imp": roster_import,
                "mode": mode,
                "mode_label": ImportMode(mode).label,
                "writable": services.writable_families(roster_import),
            },
        )
    try:
        services.roster_import_confirm(roster_import=roster_import, by=request.user, mode=mode)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Impor dimulai. Halaman ini menampilkan kemajuannya."))
    return redirect("imports:detail", pk=roster_import.pk)


@require_POST
@role_required(*ADMINS)
def import_cancel(request, pk: int):
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    try:
        services.roster_import_cancel(roster_import=roster_import, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Impor dibatalkan. Tidak ada data yang diubah."))
    return redirect("imports:detail", pk=roster_import.pk)


@require_POST
@role_required(*ADMINS)
def import_retry(request, pk: int):
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    try:
        services.roster_import_retry(roster_import=roster_import, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Impor diulang."))
    return redirect("imports:detail", pk=roster_import.pk)


@require_POST
@role_required(*ADMINS)
def import_derived_retry(request, pk: int):
    """Run a failed follow-up stage (aid coverage, P2K2 groups) again now."""
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    try:
        services.roster_import_derived_retry(roster_import=roster_import, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Pembaruan cakupan bansos dan kelompok P2K2 diulang."))
    return redirect("imports:detail", pk=roster_import.pk)


@role_required(*ADMINS)
def import_report(request, pk: int, kind: str, fmt: str):
    """Rejections or warnings with the original rows, as CSV (streamed) or XLSX."""
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    if kind not in REPORT_KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if not roster_import.validated_at:
        raise Http404
    base = os.path.splitext(roster_import.file_name)[0][:60] or "roster"
    filename = f"{base}-{kind}-{roster_import.pk}.{fmt}"
    rows = report_rows(roster_import, kind=REPORT_KINDS[kind])
    return report_response(rows, filename=filename, fmt=fmt)

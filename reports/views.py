"""Pages of the reports app: thin, each a role check, a selector or service, a render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from pkh.permissions import (
    ADMINS,
    LEADS,
    is_admin,
    is_lead,
    is_supervisor,
    may_run_reports,
    role_required,
)
from reports import exports, selectors, services
from reports.forms import QuarterForm, RunStartForm
from reports.models import RunStatus
from reports.presenters import chart_views, sections_view, team_chart
from reports.quarters import Quarter
from reports.sections import TEAM_DEFAULT_SORT, TEAM_DEFAULT_SORT_NOTE, sections

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarter(request) -> Quarter:
    form = QuarterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["triwulan"]:
        return form.cleaned_data["triwulan"]
    return Quarter.last_ended()


def _service_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _queue_down(request) -> None:
    messages.error(
        request,
        _(
            "Antrian tugas (Redis) sedang tidak dapat dihubungi, jadi laporan belum dibuat "
            "ulang. Tidak ada data yang berubah; coba lagi beberapa saat lagi atau hubungi "
            "admin sistem. Prosesnya tercatat gagal di halaman Status proses laporan."
        ),
    )


def _file(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def index(request):
    if is_lead(request.user):
        return redirect("reports:team")
    return redirect("reports:list")


def report_list(request):
    quarter_form = QuarterForm(request.GET or None)
    quarter = None
    if quarter_form.is_valid():
        quarter = quarter_form.cleaned_data["triwulan"]
    reports = selectors.report_list(user=request.user, quarter=quarter)
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/report_list.html",
        {"page": page, "form": quarter_form, "query": query.urlencode()},
    )


def _day(iso: str | None) -> str:
    """A snapshot's ISO date as the app writes dates (DATE_FORMAT)."""
    try:
        return date_format(datetime.date.fromisoformat(iso or ""))
    except ValueError:
        return iso or "?"


def _report_meta(report) -> list[tuple[str, str]]:
    snap = report.snapshot or {}
    period = snap.get("period") or {}
    supervisor = (snap.get("supervisor") or {}).get("name") or "-"
    by = str(report.generated_by) if report.generated_by else _("jadwal otomatis")
    return [
        (_("Triwulan"), Quarter.parse(report.quarter).display),
        (_("Periode"), f"{_day(period.get('first_day'))} s.d. {_day(period.get('last_day'))}"),
        (_("Pendamping"), (snap.get("facilitator") or {}).get("name") or str(report.facilitator)),
        (_("Supervisor"), supervisor),
        (
            _("Dibuat"),
            f"{date_format(timezone.localtime(report.generated_at), 'DATETIME_FORMAT')} ({by})",
        ),
    ]


def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "meta": _report_meta(report),
            "sections": sections_view(report.snapshot),
            "charts": chart_views(report.snapshot),
            "can_regenerate": may_run_reports(request.user),
        },
    )


def report_download(request, pk: int, fmt: str):
    report = selectors.report_get(user=request.user, pk=pk)
    name = f"laporan-{report.quarter}-{report.facilitator.pk}"
    views = sections_view(report.snapshot)
    meta = _report_meta(report)
    if fmt == "xlsx":
        return _file(
            exports.report_xlsx(meta=meta, sections=views),
            filename=f"{name}.xlsx",
            content_type=XLSX,
        )
    supervisor = (report.snapshot.get("supervisor") or {}).get("name") or ""
    pdf = exports.report_pdf(
        title=_("Laporan perkembangan triwulan %(q)s")
        % {"q": Quarter.parse(report.quarter).display},
        meta=meta,
        sections=views,
        charts=chart_views(report.snapshot),
        signers=[
            (_("Pendamping"), str(report.facilitator)),
            (_("Supervisor"), supervisor),
        ],
    )
    return _file(pdf, filename=f"{name}.pdf", content_type="application/pdf")


@require_POST
@role_required(*LEADS)
def report_regenerate(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.report_regenerate(
            facilitator=report.facilitator, quarter=Quarter.parse(report.quarter), by=request.user
        )
    except services.QueueUnavailable:
        _queue_down(request)
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        messages.success(
            request,
            _(
                "Laporan sedang dibuat ulang. Halaman ini menampilkan hasil terbaru setelah selesai."
            ),
        )
    return redirect("reports:detail", pk=report.pk)


def _team_context(request):
    user = request.user
    quarter = _quarter(request)
    supervisor = None
    if is_admin(user) and request.GET.get("supervisor"):
        try:
            supervisor_pk = int(request.GET["supervisor"])
        except ValueError:
            supervisor_pk = 0
        supervisor = get_object_or_404(selectors.team_supervisors(user=user), pk=supervisor_pk)
    elif is_supervisor(user):
        supervisor = user
    sort = request.GET.get("urut", "")
    direction = request.GET.get("arah", "")
    rows = selectors.team_rows(
        user=user, quarter=quarter, supervisor=supervisor, sort=sort, direction=direction
    )
    columns = selectors.team_columns()
    if sort != "name" and sort not in {c.key for c in columns}:
        sort, direction = TEAM_DEFAULT_SORT
    return {
        "quarter": quarter,
        "supervisor": supervisor,
        "rows": rows,
        "columns": columns,
        "sort": sort,
        "direction": direction,
        "default_sort": sort == TEAM_DEFAULT_SORT[0] and direction == TEAM_DEFAULT_SORT[1],
        "sort_note": _(TEAM_DEFAULT_SORT_NOTE),
    }


@role_required(*LEADS)
def team(request):
    if request.method == "POST":
        return _team_regenerate(request)
    ctx = _team_context(request)
    ctx["form"] = QuarterForm(initial={"triwulan": str(ctx["quarter"])})
    ctx["supervisors"] = (
        selectors.team_supervisors(user=request.user) if is_admin(request.user) else None
    )
    chart = team_chart(ctx["rows"])
    ctx["chart"] = chart.spec if chart else {}
    query = request.GET.copy()
    for key in ("urut", "arah"):
        query.pop(key, None)
    ctx["query"] = query.urlencode()
    return render(request, "reports/team.html", ctx)


def _team_regenerate(request):
    form = RunStartForm(request.POST)
    target = reverse("reports:team")
    if not form.is_valid():
        messages.error(request, _("Pilih triwulan yang sudah berakhir."))
        return redirect(target)
    quarter = form.cleaned_data["triwulan"]
    facilitators = [r.facilitator for r in _team_rows_for_post(request, quarter)]
    try:
        run = services.report_run_start(quarter=quarter, facilitators=facilitators, by=request.user)
    except services.QueueUnavailable:
        _queue_down(request)
        return redirect(f"{target}?triwulan={quarter}")
    except ValidationError as exc:
        _service_error(request, exc)
        return redirect(f"{target}?triwulan={quarter}")
    messages.success(
        request, _("Laporan tim sedang dibuat ulang (%(n)s pendamping).") % {"n": run.total}
    )
    return redirect("reports:run_detail", pk=run.pk)


def _team_rows_for_post(request, quarter):
    supervisor = None
    if is_supervisor(request.user):
        supervisor = request.user
    elif request.POST.get("supervisor"):
        try:
            supervisor = selectors.team_supervisors(user=request.user).get(
                pk=int(request.POST["supervisor"])
            )
        except (ValueError, User.DoesNotExist):
            supervisor = None
    return selectors.team_rows(user=request.user, quarter=quarter, supervisor=supervisor)


@role_required(*LEADS)
def team_download(request, fmt: str):
    ctx = _team_context(request)
    quarter, rows, columns = ctx["quarter"], ctx["rows"], ctx["columns"]
    lead = ctx["supervisor"]
    meta = [
        (_("Triwulan"), quarter.display),
        (_("Supervisor"), str(lead) if lead else _("Semua supervisor di wilayah")),
        (_("Diunduh"), exports.generated_line()),
    ]
    name = f"laporan-tim-{quarter}" + (f"-{lead.pk}" if lead else "")
    if fmt == "xlsx":
        section_sheets = [(_(s.title), list(s.team_columns)) for s in sections() if s.team_columns]
        content = exports.team_xlsx(
            meta=meta,
            sections=section_sheets,
            rows=rows,
            show_supervisor=is_admin(request.user),
        )
        return _file(content, filename=f"{name}.xlsx", content_type=XLSX)
    pdf = exports.team_pdf(
        title=_("Laporan tim triwulan %(q)s") % {"q": quarter.display},
        meta=meta,
        columns=columns,
        rows=rows,
        note=ctx["sort_note"] if ctx["default_sort"] else "",
        chart=team_chart(rows),
        signers=[
            (_("Supervisor"), str(lead) if lead else ""),
            (_("Koordinator kabupaten/kota"), ""),
        ],
    )
    return _file(pdf, filename=f"{name}.pdf", content_type="application/pdf")


@role_required(*ADMINS)
def district(request):
    quarter = _quarter(request)
    rows = selectors.district_rows(user=request.user, quarter=quarter)
    return render(
        request,
        "reports/district.html",
        {
            "quarter": quarter,
            "rows": rows,
            "columns": selectors.team_columns(),
            "form": QuarterForm(initial={"triwulan": str(quarter)}),
            "start_form": RunStartForm(initial={"triwulan": str(quarter)}),
            "chart": {
                "labels": [str(r.supervisor or _("Tanpa supervisor")) for r in rows],
                "series": [
                    {
                        "label": _("Belum dikunjungi (%)"),
                        "data": [r.totals.get("visits.not_visited_pct") for r in rows],
                    }
                ],
                "percent": True,
            },
        },
    )


@role_required(*LEADS)
def run_list(request):
    runs = selectors.run_list(user=request.user)
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/run_list.html",
        {"page": page, "start_form": RunStartForm(initial={"triwulan": str(Quarter.last_ended())})},
    )


@require_POST
@role_required(*LEADS)
def run_start(request):
    form = RunStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih triwulan yang sudah berakhir."))
        return redirect("reports:runs")
    from households.selectors import facilitator_list

    try:
        run = services.report_run_start(
            quarter=form.cleaned_data["triwulan"],
            facilitators=facilitator_list(user=request.user),
            by=request.user,
        )
    except services.QueueUnavailable:
        _queue_down(request)
        return redirect("reports:runs")
    except ValidationError as exc:
        _service_error(request, exc)
        return redirect("reports:runs")
    messages.success(
        request, _("Pembuatan laporan dimulai untuk %(n)s pendamping.") % {"n": run.total}
    )
    return redirect("reports:run_detail", pk=run.pk)


@role_required(*LEADS)
def run_detail(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    status = request.GET.get("status") or None
    if status not in {s.value for s in RunStatus}:
        status = None
    items = selectors.run_items(user=request.user, run=run, status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    stalled_before = services.stalled_before()
    for item in page:
        item.stalled = (
            item.status == RunStatus.RUNNING
            and item.started_at
            and item.started_at < stalled_before
        )
    return render(
        request,
        "reports/run_detail.html",
        {
            "run": run,
            "page": page,
            "status": status,
            "statuses": RunStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@require_POST
@role_required(*LEADS)
def run_resume(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    try:
        ids = services.report_run_resume_start(run=run, by=request.user)
    except services.QueueUnavailable:
        _queue_down(request)
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        if ids:
            messages.success(request, _("%(n)s laporan dijalankan ulang.") % {"n": len(ids)})
        else:
            messages.info(request, _("Semua laporan dalam proses ini sudah selesai."))
    return redirect("reports:run_detail", pk=run.pk)


@require_POST
@role_required(*LEADS)
def item_rerun(request, pk: int):
    item = selectors.run_item_get(user=request.user, pk=pk)
    try:
        services.report_item_rerun(item=item, by=request.user)
    except services.QueueUnavailable:
        _queue_down(request)
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        messages.success(
            request, _("Laporan %(name)s dijalankan ulang.") % {"name": item.facilitator}
        )
    return redirect("reports:run_detail", pk=item.run_id)

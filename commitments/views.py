"""Pages of commitment verification: the month, one place's sheet, a member's enrolment,
a new school or facility, and the supervisor's month."""

from __future__ import annotations

import datetime
import os
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments import rules as r
from commitments.forms import (
    EnrolmentForm,
    FacilityForm,
    MonthForm,
    SanctionDecideForm,
    SanctionProposeForm,
    SchoolForm,
    SheetForm,
    SheetImportConfirmForm,
    SheetImportForm,
    month_key,
    month_parse,
    weekdays_in,
)
from commitments.models import (
    SanctionKind,
    SanctionStatus,
    Sector,
    SheetImportStatus,
    VerificationEntry,
)
from commitments.rules import Rules
from commitments.selectors import (
    compliance,
    consequences,
    due,
    places,
    rules_summary,
    sanctions,
    sheet_imports,
)
from commitments.services import sheet_import as sheet_import_service
from commitments.services.enrolment import enrolment_record
from commitments.services.places import facility_create, school_create
from commitments.services.sanctions import sanction_decide
from commitments.services.sanctions import sanction_propose as sanction_propose_service
from commitments.services.verification import month_check, month_sheet_save
from households.models import Component, Member
from households.selectors import (
    household_get,
    household_scope,
    team_facilitators,
    village_choices,
)
from imports.forms import max_upload_mb
from imports.issue_report import report_response
from pkh.forms import add_service_errors
from pkh.permissions import (
    FACILITATORS,
    LEADS,
    SUPERVISORS,
    can_decide_sanction,
    is_facilitator,
    is_family_facilitator,
    is_supervisor,
    role_required,
)
from pkh.scoping import household_scope_q

FACILITATORS_PER_PAGE = 50


def _month_from_url(value: str) -> datetime.date:
    month = month_parse(value)
    if month is None:
        raise Http404
    try:
        month_check(month)
    except ValidationError:
        raise Http404 from None
    return month


def _month_form(request, *, facilitators=None):
    today = timezone.localdate()
    defaults = {"bulan": month_key(due.current_month(today))}
    if facilitators:
        defaults["pendamping"] = str(facilitators[0].pk)
    data = {**defaults}
    data.update({k: v for k, v in request.GET.items() if k in ("bulan", "pendamping")})
    form = MonthForm(data, today=today, facilitators=facilitators)
    if form.is_valid():
        return form, month_parse(form.cleaned_data["bulan"]), form.cleaned_data.get("pendamping")
    # An unknown month or facilitator: the page shows the field error over the default.
    fallback = MonthForm(defaults, today=today, facilitators=facilitators)
    fallback.is_valid()
    cleaned = {**fallback.cleaned_data, **form.cleaned_data}
    return form, month_parse(cleaned["bulan"]), cleaned.get("pendamping")


@role_required(*FACILITATORS, *SUPERVISORS)
def month(request):
    """Every commitment due in the month, by school and by health facility."""
    facilitators = (
        list(team_facilitators(user=request.user)) if is_supervisor(request.user) else None
    )
    form, month, facilitator_id = _month_form(request, facilitators=facilitators)
    if facilitators == []:
        items = []
    else:
        items = due.month_due(user=request.user, month=month, facilitator_id=facilitator_id)
    groups = due.place_groups(items)
    return render(
        request,
        "commitments/month.html",
        {
            "form": form,
            "month": month,
            "month_key": month_key(month),
            "facilitator_id": facilitator_id,
            "education": groups[Sector.EDUCATION],
            "health": groups[Sector.HEALTH],
            "due_count": len(items),
            "entered_count": sum(1 for i in items if i.entry is not None),
            "can_enter": is_facilitator(request.user),
            "unknown_kind": due.UNKNOWN,
            "rules_in_force": rules_summary.rules_in_force(),
        },
    )


@role_required(*FACILITATORS, *SUPERVISORS)
def sheet(request, month: str, kind: str, pk: int):
    """One school's or facility's list for the month, entered at once (facilitators) or
    read (supervisors, their team's)."""
    month = _month_from_url(month)
    if kind not in due.PLACE_KINDS:
        raise Http404
    facilitator_id = None
    if is_supervisor(request.user):
        facilitator_id = (
            int(request.GET["pendamping"]) if request.GET.get("pendamping", "").isdigit() else None
        )
    place, items = due.place_sheet(
        user=request.user, month=month, kind=kind, pk=pk, facilitator_id=facilitator_id
    )
    can_edit = is_facilitator(request.user) and all(
        is_family_facilitator(request.user, i.member.household) for i in items
    )
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = SheetForm(
        request.POST if request.method == "POST" else None,
        items=items,
        kind=kind,
        month=month,
        default_school_days=weekdays_in(month, settings.PKH_COMMITMENT_SCHOOL_WEEK_DAYS),
    )
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    try:
        token = uuid.UUID(request.POST.get("client_token", ""))
    except ValueError:
        token = uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            month_sheet_save(
                by=request.user,
                month=month,
                sector=form.sector,
                place=place,
                findings=form.findings(),
                client_token=token,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Verifikasi komitmen disimpan."))
            return redirect(f"{reverse('commitments:month')}?bulan={month_key(month)}")
    rules = Rules.from_settings()
    rows = list(form.rows())
    for row in rows:
        entry = row["item"].entry
        row["verdict"] = r.verdict(entry, rules) if entry else None
        row["percent"] = r.attendance_percent(entry, rules) if entry else None
    return render(
        request,
        "commitments/sheet.html",
        {
            "form": form,
            "rows": rows,
            "place": place,
            "kind": kind,
            "month": month,
            "month_key": month_key(month),
            "can_edit": can_edit,
            "client_token": token,
            "min_percent": rules.attendance_min_percent,
            "not_enrolled": kind == due.NOT_ENROLLED,
        },
    )


@role_required(*FACILITATORS)
def enrolment(request, member_pk: int, sector: str):
    """A member's enrolment event (enrolled, moved school, transferred, not enrolled)."""
    if sector not in Sector.values:
        raise Http404
    member = places.member_get(user=request.user, pk=member_pk)
    household = member.household
    if not is_family_facilitator(request.user, household):
        raise PermissionDenied
    history = list(places.member_enrolments(member=member).filter(sector=sector))
    form = EnrolmentForm(
        request.POST or None,
        initial={"nisn": next((e.nisn for e in history if e.nisn), "")},
        sector=sector,
        schools=places.school_choices(household=household),
        facilities=places.facility_choices(household=household),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment_record(
                by=request.user,
                member=member,
                sector=sector,
                change=data["change"],
                start_on=data["start_on"],
                school=data.get("school"),
                grade=data.get("grade", ""),
                facility=data.get("facility"),
                note=data["note"],
                nisn=data.get("nisn", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Data pendaftaran disimpan."))
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "commitments/enrolment.html",
        {
            "form": form,
            "member": member,
            "household": household,
            "sector": sector,
            "sector_label": Sector(sector).label,
            "history": history,
            "next": request.get_full_path(),
        },
    )


@role_required(*FACILITATORS)
def place_create(request, kind: str):
    """A new school (``sekolah``) or health facility (``faskes``)."""
    if kind not in (due.SCHOOL, due.FACILITY):
        raise Http404
    villages = village_choices(user=request.user).order_by("name")
    form_class = SchoolForm if kind == due.SCHOOL else FacilityForm
    form = form_class(request.POST or None, villages=villages)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == due.SCHOOL:
                school_create(
                    by=request.user, name=data["name"], level=data["level"],
                    village=data["village"], npsn=data["npsn"],
                )  # fmt: skip
            else:
                facility_create(
                    by=request.user, name=data["name"], kind=data["kind"], village=data["village"]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Tempat ditambahkan."))
            return redirect(back or "commitments:month")
    return render(
        request,
        "commitments/place_form.html",
        {"form": form, "kind": kind, "is_school": kind == due.SCHOOL, "next": back},
    )


@role_required(*LEADS)
def team(request):
    """The supervisor's month: each facilitator's completeness (entered / due) and the
    team's compliance by component."""
    form, month, _facilitator = _month_form(request)
    page = Paginator(team_facilitators(user=request.user), FACILITATORS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    households = household_scope(user=request.user)
    done = due.completeness_by_facilitator(
        households=households.filter(facilitator__in=[f.pk for f in page]), month=month
    )
    entries = VerificationEntry.objects.filter(
        household_scope_q(request.user, "household__"), month=month
    )
    by_facilitator = compliance.compliance_by_component(
        entries.filter(household__facilitator__in=[f.pk for f in page]),
        by="household__facilitator_id",
    )
    rows = []
    for f in page:
        complies = sum(rate.complies for (fid, _c), rate in by_facilitator.items() if fid == f.pk)
        judged = sum(rate.judged for (fid, _c), rate in by_facilitator.items() if fid == f.pk)
        rows.append(
            {
                "facilitator": f,
                "completeness": done.get(f.pk, due.Completeness(0, 0)),
                "compliance": 100 * complies / judged if judged else None,
            }
        )
    rates = compliance.compliance_by_component(entries)
    components = [
        (c, rates.get(c.code, compliance.Rate()))
        for c in Component.objects.filter(code__in=Rules.from_settings().components)
    ]
    return render(
        request,
        "commitments/team.html",
        {
            "form": form,
            "month": month,
            "month_key": month_key(month),
            "rows": rows,
            "page": page,
            "query": f"bulan={month_key(month)}",
            "components": components,
            "proposals": sanctions.sanctions_pending(user=request.user),
            # A supervisor opens a facilitator's month (read-only) from their row.
            "can_open_month": is_supervisor(request.user),
        },
    )


@role_required(*FACILITATORS)
def sanction_propose(request, pk: int):
    """The family's facilitator proposes the suspension or cancellation that the judged
    quarter calls for, with the reason."""
    household = household_get(user=request.user, pk=pk)
    if not is_family_facilitator(request.user, household):
        raise PermissionDenied
    today = timezone.localdate()
    quarter = consequences.judged_quarter(today)
    consequence = consequences.household_consequence(household=household, quarter=quarter)
    kind = consequences.proposable_kind(consequence)
    form = SanctionProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = sanction_propose_service(
                household=household,
                by=request.user,
                quarter=quarter,
                reason=form.cleaned_data["reason"],
                today=today,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Usulan dikirim ke supervisor."))
            return redirect("commitments:sanction_detail", pk=proposal.pk)
    members = consequence.members if consequence else {}
    names = dict(Member.objects.filter(pk__in=members).values_list("pk", "name"))
    return render(
        request,
        "commitments/sanction_propose.html",
        {
            "form": form,
            "household": household,
            "quarter": quarter,
            "quarter_label": consequences.quarter_label(quarter),
            "consequence": consequence,
            "kind": kind,
            "kind_label": dict(SanctionKind.choices).get(kind, ""),
            "failures": [
                (names.get(mid, ""), m.last_component, sorted(m.months))
                for mid, m in members.items()
            ],
        },
    )


@role_required(*FACILITATORS, *LEADS)
def sanction_detail(request, pk: int):
    """A proposal with its steps (who, when, why); its supervisor confirms or returns."""
    proposal = sanctions.sanction_get(user=request.user, pk=pk)
    can_decide = (
        can_decide_sanction(request.user, proposal) and proposal.status == SanctionStatus.PENDING
    )
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = SanctionDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sanction_decide(
                proposal=proposal,
                by=request.user,
                confirm=form.cleaned_data["decision"] == "confirm",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Keputusan disimpan."))
            return redirect("commitments:team")
    return render(
        request,
        "commitments/sanction_detail.html",
        {
            "proposal": proposal,
            "quarter_label": consequences.quarter_label(proposal.quarter),
            "steps": sanctions.sanction_history(proposal=proposal),
            "form": form,
            "can_decide": can_decide,
        },
    )


ISSUES_SHOWN = 100


@role_required(*FACILITATORS)
def sheet_import_create(request):
    """Upload a school's or the national system's verification sheet: checked into a
    preview, nothing written yet."""
    form = SheetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet_import = sheet_import_service.sheet_import_create(
                by=request.user, file=upload, file_name=upload.name
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("commitments:sheet_import_detail", pk=sheet_import.pk)
    return render(
        request,
        "commitments/sheet_import_create.html",
        {
            "form": form,
            "max_upload_mb": max_upload_mb(),
            "max_rows": sheet_import_service.max_rows(),
            "recent": sheet_imports.sheet_import_list(user=request.user)[:10],
        },
    )


@role_required(*FACILITATORS)
def sheet_import_detail(request, pk: int):
    """The preview (or the result): rows read, valid, row errors, entries per month and
    school."""
    sheet_import = sheet_imports.sheet_import_get(user=request.user, pk=pk)
    groups = [
        {
            **g,
            "month": datetime.date.fromisoformat(g["month"]),
            "key": f"{g['month'][:7]}-{g['school_id']}",
        }
        for g in sheet_import.groups
    ]
    return render(
        request,
        "commitments/sheet_import_detail.html",
        {
            "imp": sheet_import,
            "groups": groups,
            "issues": sheet_import.issues[:ISSUES_SHOWN],
            "issues_hidden": max(0, len(sheet_import.issues) - ISSUES_SHOWN),
            "is_preview": sheet_import.status == SheetImportStatus.PREVIEW,
            "confirm_form": SheetImportConfirmForm(),
        },
    )


@require_POST
@role_required(*FACILITATORS)
def sheet_import_confirm(request, pk: int):
    sheet_import = sheet_imports.sheet_import_get(user=request.user, pk=pk)
    form = SheetImportConfirmForm(request.POST)
    skip_invalid = form.is_valid() and form.cleaned_data["skip_invalid"]
    already = sheet_import.status == SheetImportStatus.COMMITTED
    try:
        done = sheet_import_service.sheet_import_confirm(
            sheet_import=sheet_import, by=request.user, skip_invalid=skip_invalid
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if already:
            messages.info(request, _("Impor ini sudah disimpan sebelumnya; tidak ada yang diubah."))
        else:
            messages.success(
                request,
                _("%(n)s verifikasi disimpan dari lembar ini.")
                % {"n": number_format(done.entries_written, force_grouping=True)},
            )
    return redirect("commitments:sheet_import_detail", pk=sheet_import.pk)


@require_POST
@role_required(*FACILITATORS)
def sheet_import_cancel(request, pk: int):
    sheet_import = sheet_imports.sheet_import_get(user=request.user, pk=pk)
    try:
        sheet_import_service.sheet_import_cancel(sheet_import=sheet_import, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("Impor dibatalkan. Tidak ada verifikasi yang diubah."))
    return redirect("commitments:sheet_import_detail", pk=sheet_import.pk)


@role_required(*FACILITATORS)
def sheet_import_report(request, pk: int, fmt: str = "csv"):
    """Every row error with the row as it stands in the file: CSV (streamed) or XLSX,
    written like the roster import's reports (``imports.issue_report``)."""
    sheet_import = sheet_imports.sheet_import_get(user=request.user, pk=pk)
    base = os.path.splitext(sheet_import.file_name)[0][:60] or "lembar"
    filename = f"{base}-baris-salah-{sheet_import.pk}.{fmt}"
    rows = sheet_imports.sheet_import_report_rows(sheet_import)
    return report_response(rows, filename=filename, fmt=fmt)

"""Pages of the graduation app. Thin: permission, form, one service or selector."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from graduation import selectors, services
from graduation.forms import (
    AssessmentEntryForm,
    DecisionForm,
    FormMetaForm,
    GroupForm,
    IndicatorForm,
    MonitoringForm,
    NaturalConfirmForm,
    ObjectionForm,
    ObjectionSearchForm,
    PipelineAddForm,
    PipelineRecordForm,
    ProposalForm,
    QuarterForm,
    TargetsForm,
)
from graduation.models import (
    MANUAL_STAGES,
    IndicatorGroup,
    Objection,
    PipelineEntry,
    ProposalStatus,
    Stage,
)
from graduation.validators import EXTENSIONS
from households.selectors import facilitator_list, family_header, household_get, pengurus_name
from pkh.files import private_file_response
from pkh.forms import add_service_errors
from pkh.permissions import (
    can_edit_national_catalogue,
    national_catalogue_keeper_required,
    role_required,
)

PAGE_SIZE = 25
BOARD_COLUMN_SIZE = 30
EVERY_ROLE = (Role.FACILITATOR, Role.SUPERVISOR, Role.ADMIN)


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _facilitator_filter(request) -> int | None:
    """``?pendamping=<pk>`` for supervisors and admins, only within what they may see."""
    value = request.GET.get("pendamping", "")
    if request.user.role == Role.FACILITATOR or not value.isdigit():
        return None
    return int(value)


# --- assessments ---------------------------------------------------------------------


@role_required(Role.FACILITATOR)
def assessment_create(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form_version = selectors.form_current()
    if form_version is None:
        raise Http404
    groups = selectors.form_groups(form=form_version)
    form = AssessmentEntryForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                household=household,
                form=form_version,
                answers=form.answers(),
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Penilaian disimpan: skor %(score)d%%, %(readiness)s.")
                % {"score": assessment.score_pct, "readiness": assessment.get_readiness_display()},
            )
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
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    answers = assessment.answers.select_related("indicator__group", "option").order_by(
        "indicator__group__order", "indicator__order", "indicator__pk"
    )
    return render(
        request,
        "graduation/assessment_detail.html",
        {"assessment": assessment, "answers": answers, "household": assessment.household},
    )


def assessment_history(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    assessments, rows = selectors.assessment_history(household=household)
    return render(
        request,
        "graduation/assessment_history.html",
        {
            "household": household,
            "assessments": assessments,
            "rows": rows,
            "can_assess": household.facilitator_id == request.user.pk,
        },
    )


# --- natural graduation --------------------------------------------------------------


def natural_list(request):
    ids = selectors.natural_graduation_ids(
        user=request.user, facilitator=_facilitator_filter(request)
    )
    page = _page(request, ids)
    rows = selectors.natural_graduation_rows(list(page))
    reasons = selectors.natural_graduation_reasons([h.pk for h in rows])
    for household in rows:
        household.natural_reasons = reasons.get(household.pk, [])
    return render(
        request,
        "graduation/natural_list.html",
        {
            "page": page,
            "rows": rows,
            "confirm_form": NaturalConfirmForm(),
            "query": _query_without_page(request),
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
        services.natural_graduation_confirm(
            household=household, by=request.user, date=form.cleaned_data["date"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("graduation:natural_list")
    messages.success(request, _("Graduasi alamiah dikonfirmasi."))
    return redirect("households:detail", pk=household.pk)


# --- pipeline ------------------------------------------------------------------------


def pipeline_board(request):
    """The pipeline as a board (a column per stage) or, with ``?tampilan=daftar``, a list."""
    facilitator = _facilitator_filter(request)
    stage = request.GET.get("tahap") or None
    if stage not in Stage.values:
        stage = None
    context = {
        "stages": Stage.choices,
        "stage": stage,
        "facilitators": (
            facilitator_list(user=request.user) if request.user.role != Role.FACILITATOR else None
        ),
        "facilitator": facilitator,
        "query": _query_without_page(request),
    }
    if request.GET.get("tampilan") == "daftar" or stage:
        qs = selectors.pipeline_list(user=request.user, stage=stage, facilitator=facilitator)
        context["page"] = _page(request, qs)
        return render(request, "graduation/pipeline_list.html", context)
    entries, counts = selectors.pipeline_board(
        user=request.user, facilitator=facilitator, per_stage=BOARD_COLUMN_SIZE
    )
    columns = [
        {"stage": value, "label": label, "entries": entries[value], "count": counts.get(value, 0)}
        for value, label in Stage.choices
    ]
    context["columns"] = columns
    if request.user.role == Role.FACILITATOR:
        context["progress"] = _my_quarter_progress(request.user)
    return render(request, "graduation/pipeline_board.html", context)


def _my_quarter_progress(user) -> dict:
    """This quarter's self-graduation target of a facilitator and what they achieved."""
    from households.models import ExitType

    year, quarter = selectors.quarter_of(timezone.localdate())
    start, end = selectors.quarter_bounds(year, quarter)
    target = selectors.quarterly_targets(user=user, year=year, quarter=quarter).get(user.pk, 0)
    counts = selectors.proposal_counts(
        user=user, start=start, end=end, exit_type=ExitType.GRADUASI_MANDIRI
    ).get(user.pk, selectors.ProposalCounts())
    return {"year": year, "quarter": quarter, "target": target, "counts": counts}


def pipeline_family(request, pk: int):
    """One family's graduation work: pipeline stage and notes, proposals, assessments."""
    household = household_get(user=request.user, pk=pk)
    entry = PipelineEntry.objects.filter(household=household).first()
    is_owner = household.facilitator_id == request.user.pk
    context = {
        "household": household,
        "entry": entry,
        "events": selectors.pipeline_events(entry=entry) if entry else [],
        "proposals": selectors.proposal_history(household=household),
        "latest": selectors.assessment_latest(household=household),
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
            services.pipeline_add(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Keluarga masuk tahapan graduasi."))
            return redirect("graduation:pipeline_family", pk=household.pk)
    return _pipeline_form_errors(request, household, form)


@require_POST
@role_required(Role.FACILITATOR)
def pipeline_record(request, pk: int):
    entry = selectors.pipeline_get(user=request.user, household_pk=pk)
    form = PipelineRecordForm(request.POST, current_stage=entry.stage)
    if form.is_valid():
        try:
            services.pipeline_record(entry=entry, by=request.user, **form.cleaned_data)
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


# --- proposals -----------------------------------------------------------------------


@role_required(Role.FACILITATOR)
def proposal_create(request, pk: int):
    household = household_get(user=request.user, pk=pk)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
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
            "latest": selectors.assessment_latest(household=household),
            "cutoff": services.assessment_max_age_cutoff(),
            "max_bytes": settings.PKH_GRADUATION_STATEMENT_MAX_BYTES,
        },
    )


def proposal_list(request):
    status = request.GET.get("status") or None
    if status not in ProposalStatus.values:
        status = None
    # Pending proposals first, then the decided ones; newest first within each group.
    qs = selectors.proposal_list(user=request.user, status=status).order_by(
        Case(When(status=ProposalStatus.PENDING, then=0), default=1), "-submitted_at", "-pk"
    )
    return render(
        request,
        "graduation/proposal_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": ProposalStatus.choices,
            "query": _query_without_page(request),
        },
    )


def proposal_detail(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    can_decide = proposal.status == ProposalStatus.PENDING and services.can_decide(
        proposal, request.user
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
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        try:
            services.proposal_decide(
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
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    content_type = proposal.statement_content_type
    extension = EXTENSIONS.get(content_type, ".bin")
    return private_file_response(
        proposal.statement,
        content_type=content_type,
        filename=f"surat-pernyataan-{proposal.pk}{extension}",
    )


# --- monitoring ----------------------------------------------------------------------


def monitoring_list(request):
    today = timezone.localdate()
    qs = selectors.monitoring_scope(user=request.user).filter(done_on__isnull=True)
    qs = (
        qs.select_related("graduation__household")
        .annotate(pengurus_name=pengurus_name("graduation__household"))
        .order_by("due_on", "pk")
    )
    return render(
        request,
        "graduation/monitoring_list.html",
        {"page": _page(request, qs), "today": today, "query": _query_without_page(request)},
    )


@role_required(Role.FACILITATOR)
def monitoring_record(request, pk: int):
    visit = selectors.monitoring_get(user=request.user, pk=pk)
    household = visit.graduation.household
    form = MonitoringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.monitoring_record(visit=visit, by=request.user, **form.cleaned_data)
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


# --- targets and review --------------------------------------------------------------


def _quarter(request) -> tuple[int, int, QuarterForm]:
    year, quarter = selectors.quarter_of(timezone.localdate())
    form = QuarterForm(request.GET or None, initial={"tahun": year, "triwulan": quarter})
    if request.GET and form.is_valid():
        year, quarter = form.cleaned_data["tahun"], form.cleaned_data["triwulan"]
    return year, quarter, form


@role_required(Role.SUPERVISOR)
def targets_edit(request):
    year, quarter, quarter_form = _quarter(request)
    team = list(facilitator_list(user=request.user).order_by("first_name", "username"))
    current = selectors.quarterly_targets(user=request.user, year=year, quarter=quarter)
    form = TargetsForm(
        request.POST or None,
        facilitators=team,
        initial={f"target_{pk}": value for pk, value in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.targets_set(
                by=request.user, year=year, quarter=quarter, targets=form.targets()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target triwulan disimpan."))
            return redirect(f"{request.path}?tahun={year}&triwulan={quarter}")
    return render(
        request,
        "graduation/targets_form.html",
        {
            "form": form,
            "quarter_form": quarter_form,
            "year": year,
            "quarter": quarter,
            "yearly_default": settings.PKH_GRADUATION_YEARLY_TARGET,
        },
    )


@role_required(Role.SUPERVISOR)
def review(request):
    """The three-monthly team review: one row per facilitator."""
    year, quarter, quarter_form = _quarter(request)
    rows = selectors.review_rows(user=request.user, year=year, quarter=quarter)
    start, end = selectors.quarter_bounds(year, quarter)
    totals = {
        "target": sum(r.target for r in rows),
        "proposed": sum(r.proposed for r in rows),
        "approved": sum(r.approved for r in rows),
        "natural": sum(r.natural for r in rows),
        "ready": sum(r.ready_not_targeted for r in rows),
        "relapsed": sum(r.relapsed for r in rows),
        "stages": [
            (value, label, sum(r.stages.get(value, 0) for r in rows))
            for value, label in Stage.choices
        ],
    }
    return render(
        request,
        "graduation/review.html",
        {
            "rows": rows,
            "totals": totals,
            "quarter_form": quarter_form,
            "year": year,
            "quarter": quarter,
            "start": start,
            "end": end,
            "stages": Stage.choices,
        },
    )


def ready_list(request):
    """Families ready for self-graduation by their latest assessment but not targeted."""
    qs = selectors.ready_not_targeted(user=request.user, facilitator=_facilitator_filter(request))
    qs = (
        qs.select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
        .order_by("facilitator__username", "pengurus_name", "pk")
    )
    return render(
        request,
        "graduation/ready_list.html",
        {"page": _page(request, qs), "query": _query_without_page(request)},
    )


# --- objections bank -----------------------------------------------------------------


def objection_list(request):
    form = ObjectionSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    archived = request.user.role == Role.SUPERVISOR and request.GET.get("arsip") == "1"
    qs = selectors.objection_list(search=search, archived=archived)
    return render(
        request,
        "graduation/objection_list.html",
        {
            "page": _page(request, qs),
            "form": form,
            "search": search,
            "archived": archived,
            "query": _query_without_page(request),
            "can_curate": request.user.role == Role.SUPERVISOR,
        },
    )


def objection_detail(request, pk: int):
    objection = get_object_or_404(Objection, pk=pk)
    return render(
        request,
        "graduation/objection_detail.html",
        {"objection": objection, "can_curate": request.user.role == Role.SUPERVISOR},
    )


@role_required(Role.SUPERVISOR)
def objection_edit(request, pk: int | None = None):
    objection = get_object_or_404(Objection, pk=pk) if pk else None
    initial = (
        {"argument": objection.argument, "answer": objection.answer, "tags": objection.tags}
        if objection
        else None
    )
    form = ObjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.objection_save(
                by=request.user, objection=objection, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Keberatan dan jawaban disimpan."))
            return redirect("graduation:objection_detail", pk=saved.pk)
    return render(request, "graduation/objection_form.html", {"form": form, "objection": objection})


@require_POST
@role_required(Role.SUPERVISOR)
def objection_archive(request, pk: int):
    objection = get_object_or_404(Objection, pk=pk)
    archived = request.POST.get("archived") != "0"
    services.objection_archive(objection=objection, by=request.user, archived=archived)
    messages.success(request, _("Diarsipkan.") if archived else _("Dipulihkan dari arsip."))
    return redirect("graduation:objection_detail", pk=objection.pk)


# --- assessment form: admins read it, the national keeper edits it ------------------


def _after_form_edit(request, before, after):
    if after.pk != before.pk:
        messages.info(
            request,
            _(
                "Versi %(old)d sudah dipakai penilaian, jadi perubahan disimpan sebagai versi %(new)d."
            )
            % {"old": before.version, "new": after.version},
        )
    else:
        messages.success(request, _("Formulir disimpan."))
    return redirect("graduation:form_detail", pk=after.pk)


@role_required(Role.ADMIN, allow=can_edit_national_catalogue)
def form_list(request):
    return render(
        request,
        "graduation/form_list.html",
        {"forms": selectors.form_list(), "current": selectors.form_current()},
    )


@role_required(Role.ADMIN, allow=can_edit_national_catalogue)
def form_detail(request, pk: int):
    form_version = selectors.form_get(pk=pk)
    current = selectors.form_current()
    return render(
        request,
        "graduation/form_detail.html",
        {
            "form_version": form_version,
            "groups": selectors.form_groups(form=form_version),
            "is_current": current is not None and current.pk == form_version.pk,
            "can_edit": can_edit_national_catalogue(request.user),
            "assessment_count": form_version.assessments.count(),
            "thresholds": (
                settings.PKH_GRADUATION_APPROACHING_SCORE,
                settings.PKH_GRADUATION_READY_SCORE,
            ),
        },
    )


def _form_edit_page(request, form_version, form, title):
    return render(
        request,
        "graduation/form_edit.html",
        {"form": form, "form_version": form_version, "title": title},
    )


@national_catalogue_keeper_required
def form_edit(request, pk: int):
    form_version = selectors.form_get(pk=pk)
    form = FormMetaForm(
        request.POST or None,
        initial={"name": form_version.name, "description": form_version.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            after = services.form_update(form=form_version, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    return _form_edit_page(request, form_version, form, _("Ubah nama formulir"))


@national_catalogue_keeper_required
def group_edit(request, pk: int, group_pk: int | None = None):
    form_version = selectors.form_get(pk=pk)
    group = get_object_or_404(IndicatorGroup, pk=group_pk, form=form_version) if group_pk else None
    initial = {"name": group.name, "order": group.order} if group else None
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            after = services.group_save(
                form=form_version, by=request.user, group=group, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    title = _("Ubah kelompok indikator") if group else _("Tambah kelompok indikator")
    return _form_edit_page(request, form_version, form, title)


@national_catalogue_keeper_required
def indicator_edit(request, pk: int, indicator_pk: int | None = None):
    form_version = selectors.form_get(pk=pk)
    indicator = (
        get_object_or_404(form_version.indicators.prefetch_related("options"), pk=indicator_pk)
        if indicator_pk
        else None
    )
    initial = None
    if indicator:
        initial = {
            "group": indicator.group_id,
            "text": indicator.text,
            "help_text": indicator.help_text,
            "order": indicator.order,
            "options": IndicatorForm.options_text(indicator),
        }
    form = IndicatorForm(request.POST or None, initial=initial, form_version=form_version)
    if request.method == "POST" and form.is_valid():
        try:
            after = services.indicator_save(
                form=form_version, by=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_form_edit(request, form_version, after)
    title = _("Ubah indikator") if indicator else _("Tambah indikator")
    return _form_edit_page(request, form_version, form, title)


@require_POST
@national_catalogue_keeper_required
def indicator_remove(request, pk: int, indicator_pk: int):
    form_version = selectors.form_get(pk=pk)
    indicator = get_object_or_404(form_version.indicators, pk=indicator_pk)
    try:
        after = services.indicator_remove(form=form_version, by=request.user, indicator=indicator)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("graduation:form_detail", pk=form_version.pk)
    return _after_form_edit(request, form_version, after)

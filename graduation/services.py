"""Writes of the graduation app. Every write goes through a function here.

Rules that decide *who* may act raise ``PermissionDenied`` (the view answers 403);
broken business rules raise ``ValidationError`` and change nothing.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role, User
from graduation.models import (
    GRADUATION_EXIT_TYPES,
    MANUAL_STAGES,
    PROPOSAL_EXIT_TYPES,
    AnswerOption,
    AssessmentAnswer,
    AssessmentForm,
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    GraduationSource,
    Indicator,
    IndicatorGroup,
    MonitoringOutcome,
    MonitoringVisit,
    Objection,
    PipelineEntry,
    PipelineEvent,
    ProposalStatus,
    QuarterlyTarget,
    Readiness,
    Stage,
)
from graduation.validators import EXTENSIONS, validate_statement_file
from households.models import ExitType, Household, HouseholdStatus
from pkh.extensions import families_changed
from pkh.permissions import can_edit_national_catalogue

MONITORING_MONTHS = (3, 6, 12)


# --- helpers -------------------------------------------------------------------------


def readiness_for(score_pct: int) -> str:
    """The readiness class of a score (percent), by the thresholds in settings."""
    if score_pct >= settings.PKH_GRADUATION_READY_SCORE:
        return Readiness.READY
    if score_pct >= settings.PKH_GRADUATION_APPROACHING_SCORE:
        return Readiness.APPROACHING
    return Readiness.NOT_READY


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _not_in_future(value: datetime.date | None, field: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("Tanggal tidak boleh di masa depan.")})


def _require_facilitator_of(household: Household, by: User) -> None:
    if by.role != Role.FACILITATOR or household.facilitator_id != by.pk:
        raise PermissionDenied(_("Hanya pendamping keluarga ini yang dapat melakukannya."))


def _require_catalogue_keeper(by: User) -> None:
    if not can_edit_national_catalogue(by):
        raise PermissionDenied(
            _(
                "Formulir penilaian berlaku nasional: hanya pengelola katalog nasional yang dapat mengubahnya."
            )
        )


def _require_supervisor(by: User) -> None:
    if by.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Hanya supervisor yang dapat melakukannya."))


def _lock_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


# --- assessment forms ----------------------------------------------------------------


def _current_form_locked(form: AssessmentForm) -> AssessmentForm:
    locked = AssessmentForm.objects.select_for_update().get(pk=form.pk)
    latest = AssessmentForm.objects.order_by("-version").values_list("pk", flat=True).first()
    if locked.pk != latest:
        raise ValidationError(
            _("Formulir ini sudah diganti versi yang lebih baru; buka versi terbaru.")
        )
    return locked


def _clone_form(form: AssessmentForm, *, by: User) -> tuple[AssessmentForm, dict]:
    """Copy ``form`` with its groups, indicators and options as the next version."""
    new = AssessmentForm.objects.create(
        version=form.version + 1,
        name=form.name,
        description=form.description,
        previous=form,
        created_by=by,
    )
    groups = {}
    indicators = {}
    options = {}
    for group in form.groups.all():
        groups[group.pk] = IndicatorGroup.objects.create(
            form=new, name=group.name, order=group.order
        )
    for indicator in form.indicators.all():
        indicators[indicator.pk] = Indicator.objects.create(
            form=new,
            group=groups[indicator.group_id],
            key=indicator.key,
            text=indicator.text,
            help_text=indicator.help_text,
            order=indicator.order,
        )
    for option in AnswerOption.objects.filter(indicator__form=form):
        options[option.pk] = AnswerOption.objects.create(
            indicator=indicators[option.indicator_id],
            label=option.label,
            weight=option.weight,
            order=option.order,
        )
    return new, {"group": groups, "indicator": indicators, "option": options}


def _editable(form: AssessmentForm, *, by: User) -> tuple[AssessmentForm, dict]:
    """The version an edit of ``form`` lands in: ``form`` itself while no assessment uses
    it, else a new version (old assessments keep theirs). Returns (version, pk maps)."""
    _require_catalogue_keeper(by)
    form = _current_form_locked(form)
    if form.assessments.exists():
        return _clone_form(form, by=by)
    return form, {}


def _mapped(maps: dict, kind: str, obj):
    return maps.get(kind, {}).get(obj.pk, obj) if obj is not None else None


@transaction.atomic
def form_update(
    *, form: AssessmentForm, by: User, name: str, description: str = ""
) -> AssessmentForm:
    form, _maps = _editable(form, by=by)
    form.name, form.description = name.strip(), description.strip()
    form.save(update_fields=["name", "description", "updated_at"])
    return form


@transaction.atomic
def group_save(
    *, form: AssessmentForm, by: User, name: str, order: int, group: IndicatorGroup | None = None
) -> AssessmentForm:
    """Add a section to the form, or rename/reorder ``group``. Returns the form version."""
    if group is not None and group.form_id != form.pk:
        raise ValidationError(_("Kelompok ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    group = _mapped(maps, "group", group)
    if group is None:
        group = IndicatorGroup(form=form)
    group.name, group.order = name.strip(), order
    group.save()
    return form


def _parse_options(options: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = [(label.strip(), weight) for label, weight in options if label.strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": _("Isi minimal dua pilihan jawaban.")})
    if any(weight < 0 for _label, weight in cleaned):
        raise ValidationError({"options": _("Bobot tidak boleh negatif.")})
    labels = [label.lower() for label, _weight in cleaned]
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("Ada pilihan jawaban yang sama.")})
    return cleaned


@transaction.atomic
def indicator_save(
    *,
    form: AssessmentForm,
    by: User,
    group: IndicatorGroup,
    text: str,
    options: Iterable[tuple[str, int]],
    help_text: str = "",
    order: int = 0,
    indicator: Indicator | None = None,
) -> AssessmentForm:
    """Add an indicator or change one (text, group, options and weights).

    Options are replaced as a whole. Returns the form version the change landed in."""
    options = _parse_options(options)
    if group.form_id != form.pk or (indicator is not None and indicator.form_id != form.pk):
        raise ValidationError(_("Indikator atau kelompok ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    group = _mapped(maps, "group", group)
    indicator = _mapped(maps, "indicator", indicator)
    if indicator is None:
        base = slugify(text)[:50].replace("-", "_") or "indikator"
        key, n = base, 1
        while form.indicators.filter(key=key).exists():
            n += 1
            key = f"{base}_{n}"
        indicator = Indicator(form=form, key=key)
    indicator.group = group
    indicator.text, indicator.help_text, indicator.order = text.strip(), help_text.strip(), order
    indicator.save()
    # Safe: this version has no assessments (else _editable made a fresh copy).
    indicator.options.all().delete()
    AnswerOption.objects.bulk_create(
        AnswerOption(indicator=indicator, label=label, weight=weight, order=i)
        for i, (label, weight) in enumerate(options, start=1)
    )
    return form


@transaction.atomic
def indicator_remove(*, form: AssessmentForm, by: User, indicator: Indicator) -> AssessmentForm:
    """Take an indicator out of the form (out of a new version if this one was used)."""
    if indicator.form_id != form.pk:
        raise ValidationError(_("Indikator ini bukan bagian formulir tersebut."))
    form, maps = _editable(form, by=by)
    indicator = _mapped(maps, "indicator", indicator)
    if form.indicators.count() <= 1:
        raise ValidationError(_("Formulir harus punya minimal satu indikator."))
    indicator.options.all().delete()
    indicator.delete()
    return form


# --- assessments ---------------------------------------------------------------------


def answer_field(indicator_pk: int) -> str:
    """The form field (and error key) of an indicator's answer."""
    return f"indikator_{indicator_pk}"


@transaction.atomic
def assessment_create(
    *,
    household: Household,
    form: AssessmentForm,
    answers: dict[int, int],
    by: User,
    assessed_on: datetime.date,
    notes: str = "",
) -> GraduationAssessment:
    """Record a welfare assessment: every indicator of ``form`` answered (indicator pk ->
    option pk). Computes the score (percent of the form's maximum) and readiness."""
    _require_facilitator_of(household, by)
    _not_in_future(assessed_on, "assessed_on")
    form = _current_form_locked(form)
    indicators = list(form.indicators.prefetch_related("options"))
    errors = {}
    chosen = []
    for indicator in indicators:
        options = {o.pk: o for o in indicator.options.all()}
        option = options.get(answers.get(indicator.pk))
        if option is None:
            errors[answer_field(indicator.pk)] = _("Indikator ini wajib dijawab.")
            continue
        chosen.append((indicator, option, max(o.weight for o in options.values())))
    if errors:
        raise ValidationError(errors)
    if not indicators:
        raise ValidationError(_("Formulir ini belum punya indikator."))
    score = sum(option.weight for _i, option, _m in chosen)
    max_score = sum(best for _i, _o, best in chosen)
    score_pct = round(100 * score / max_score) if max_score else 0
    household = _lock_household(household)
    assessment = GraduationAssessment.objects.create(
        household=household,
        form=form,
        assessed_on=assessed_on,
        assessed_by=by,
        score=score,
        max_score=max_score,
        score_pct=score_pct,
        readiness=readiness_for(score_pct),
        notes=notes.strip(),
        is_latest=False,
    )
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, indicator=i, option=o, weight=o.weight)
        for i, o, _m in chosen
    )
    _refresh_latest(household)
    assessment.refresh_from_db(fields=["is_latest"])
    return assessment


def _refresh_latest(household: Household) -> None:
    qs = GraduationAssessment.objects.filter(household=household)
    newest = qs.order_by("-assessed_on", "-pk").values_list("pk", flat=True).first()
    qs.filter(is_latest=True).exclude(pk=newest).update(is_latest=False)
    qs.filter(pk=newest).update(is_latest=True)


# --- graduation itself ---------------------------------------------------------------


def _household_graduate(
    *,
    household: Household,
    exit_type: str,
    date: datetime.date,
    reason: str,
    source: str,
    by: User,
    proposal: GraduationProposal | None = None,
) -> Graduation:
    """Set the family's status (with history by ``by``), record the graduation, schedule
    monitoring visits and move its pipeline entry. The caller holds a transaction."""
    household = _lock_household(household)
    if household.status not in (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED):
        raise ValidationError(_("Keluarga ini sudah tidak aktif di PKH."))
    _not_in_future(date, "graduation_date")
    graduated = exit_type in GRADUATION_EXIT_TYPES
    household.status = HouseholdStatus.GRADUATED if graduated else HouseholdStatus.EXITED
    household.status_date = date
    household.status_reason = reason[:200]
    household.exit_type = exit_type
    household._history_user = by
    fields = ["status", "status_date", "status_reason", "exit_type", "updated_at"]
    household.save(update_fields=fields)
    families_changed({household.pk}, fields=fields)
    graduation = Graduation.objects.create(
        household=household,
        exit_type=exit_type,
        date=date,
        reason=reason[:200],
        source=source,
        proposal=proposal,
        facilitator_id=household.facilitator_id,
        recorded_by=by,
    )
    if graduated:
        MonitoringVisit.objects.bulk_create(
            MonitoringVisit(graduation=graduation, months_after=m, due_on=add_months(date, m))
            for m in MONITORING_MONTHS
        )
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is not None:
        _pipeline_move(entry, stage=Stage.GRADUATED, date=date, by=by, note=reason)
    return graduation


@transaction.atomic
def natural_graduation_confirm(
    *, household: Household, by: User, date: datetime.date | None = None
) -> Graduation:
    """Confirm a detected natural graduation (graduasi alamiah) of ``household``.

    Re-checks the detection for this family, so a list that went stale (a member's data
    was corrected meanwhile) cannot graduate a family that still has a component."""
    from graduation.selectors import natural_graduation_reasons, natural_graduation_scope

    _require_facilitator_of(household, by)
    date = date or timezone.localdate()
    if not natural_graduation_scope(Household.objects.filter(pk=household.pk)).exists():
        raise ValidationError(
            _(
                "Keluarga ini masih punya anggota dengan komponen yang berlaku; tidak graduasi alamiah."
            )
        )
    reasons = natural_graduation_reasons([household.pk]).get(household.pk, [])
    reason = _("Graduasi alamiah: %(reasons)s") % {"reasons": "; ".join(reasons) or "-"}
    return _household_graduate(
        household=household,
        exit_type=ExitType.GRADUASI_ALAMIAH,
        date=date,
        reason=reason,
        source=GraduationSource.NATURAL,
        by=by,
    )


# --- pipeline ------------------------------------------------------------------------


def _pipeline_move(
    entry: PipelineEntry,
    *,
    stage: str,
    date: datetime.date,
    by: User,
    note: str = "",
    objection=None,
) -> PipelineEvent:
    changed = stage != entry.stage
    if changed:
        entry.stage, entry.stage_since = stage, date
        entry.save(update_fields=["stage", "stage_since", "updated_at"])
    return PipelineEvent.objects.create(
        entry=entry,
        stage=stage,
        stage_changed=changed,
        date=date,
        note=note.strip(),
        objection=objection,
        by=by,
    )


@transaction.atomic
def pipeline_add(
    *,
    household: Household,
    by: User,
    stage: str = Stage.TARGETED,
    date: datetime.date | None = None,
    note: str = "",
) -> PipelineEntry:
    """Put a family on the self-graduation pipeline (usually: make it a target)."""
    _require_facilitator_of(household, by)
    date = date or timezone.localdate()
    _not_in_future(date, "date")
    if stage not in MANUAL_STAGES:
        raise ValidationError({"stage": _("Tahap ini tidak dapat dipilih langsung.")})
    household = _lock_household(household)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("Hanya keluarga aktif yang dapat masuk tahapan graduasi."))
    if PipelineEntry.objects.filter(household=household).exists():
        raise ValidationError(_("Keluarga ini sudah ada di tahapan graduasi."))
    entry = PipelineEntry.objects.create(
        household=household, stage=stage, stage_since=date, created_by=by
    )
    PipelineEvent.objects.create(
        entry=entry, stage=stage, stage_changed=True, date=date, note=note.strip(), by=by
    )
    return entry


@transaction.atomic
def pipeline_record(
    *,
    entry: PipelineEntry,
    by: User,
    stage: str,
    date: datetime.date,
    note: str = "",
    objection: Objection | None = None,
) -> PipelineEvent:
    """A note on a family's pipeline, optionally moving it to another manual stage."""
    _require_facilitator_of(entry.household, by)
    _not_in_future(date, "date")
    entry = PipelineEntry.objects.select_for_update().get(pk=entry.pk)
    if stage != entry.stage:
        if stage not in MANUAL_STAGES:
            raise ValidationError({"stage": _("Tahap ini diatur oleh usulan dan keputusan.")})
        if entry.stage not in MANUAL_STAGES:
            raise ValidationError(
                {"stage": _("Tahap keluarga ini sekarang mengikuti usulan; tidak dapat diubah.")}
            )
    elif not note.strip():
        raise ValidationError({"note": _("Tulis catatan atau pilih tahap lain.")})
    if objection is not None and objection.is_archived:
        raise ValidationError({"objection": _("Keberatan ini sudah diarsipkan.")})
    return _pipeline_move(entry, stage=stage, date=date, by=by, note=note, objection=objection)


# --- proposals -----------------------------------------------------------------------


def assessment_max_age_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.PKH_GRADUATION_ASSESSMENT_MAX_AGE_DAYS)


@transaction.atomic
def proposal_submit(
    *,
    household: Household,
    by: User,
    reason: str,
    statement: UploadedFile | None,
    exit_type: str = ExitType.GRADUASI_MANDIRI,
) -> GraduationProposal:
    """Propose that a family leaves PKH. Carries its latest assessment (from the last 6
    months), the reason and the signed statement (PDF or image)."""
    _require_facilitator_of(household, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan wajib diisi.")})
    if exit_type not in PROPOSAL_EXIT_TYPES:
        raise ValidationError({"exit_type": _("Jenis graduasi tidak dikenal.")})
    if statement is None:
        raise ValidationError({"statement": _("Unggah surat pernyataan yang ditandatangani.")})
    content_type = validate_statement_file(statement)
    household = _lock_household(household)
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("Hanya keluarga aktif yang dapat diusulkan graduasi."))
    if GraduationProposal.objects.filter(
        household=household, status=ProposalStatus.PENDING
    ).exists():
        raise ValidationError(_("Keluarga ini sudah punya usulan yang menunggu keputusan."))
    assessment = GraduationAssessment.objects.filter(household=household, is_latest=True).first()
    if assessment is None or assessment.assessed_on < assessment_max_age_cutoff():
        raise ValidationError(
            _(
                "Usulan perlu penilaian kesejahteraan dari 6 bulan terakhir. Nilai keluarga ini dulu."
            )
        )
    proposal = GraduationProposal(
        household=household,
        assessment=assessment,
        exit_type=exit_type,
        reason=reason.strip(),
        statement_content_type=content_type,
        submitted_by=by,
    )
    # The stored name's extension follows the checked content, not the client's file name.
    proposal.statement.save(f"surat{EXTENSIONS[content_type]}", statement, save=False)
    proposal.save()
    today = timezone.localdate()
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is None:
        entry = PipelineEntry.objects.create(
            household=household, stage=Stage.PROPOSED, stage_since=today, created_by=by
        )
        PipelineEvent.objects.create(
            entry=entry, stage=Stage.PROPOSED, stage_changed=True, date=today, by=by
        )
    else:
        _pipeline_move(entry, stage=Stage.PROPOSED, date=today, by=by)
    return proposal


def can_decide(proposal: GraduationProposal, user: User) -> bool:
    """Only the supervisor of the family's facilitator decides; never a facilitator."""
    facilitator = proposal.household.facilitator
    return (
        user.role == Role.SUPERVISOR
        and facilitator is not None
        and facilitator.supervisor_id == user.pk
        and proposal.submitted_by_id != user.pk
    )


@transaction.atomic
def proposal_decide(
    *,
    proposal: GraduationProposal,
    by: User,
    approve: bool,
    comment: str = "",
    graduation_date: datetime.date | None = None,
) -> GraduationProposal:
    """Approve (the family graduates with the proposal's type and ``graduation_date``) or
    return a proposal with a comment.

    Two supervisors deciding at once: a conditional UPDATE (``status = pending``) lets
    exactly one through; the other gets "already decided" and nothing changes."""
    if not can_decide(proposal, by):
        raise PermissionDenied(_("Hanya supervisor pendamping keluarga ini yang dapat memutuskan."))
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Tulis komentar: apa yang perlu diperbaiki.")})
    if approve:
        if graduation_date is None:
            raise ValidationError({"graduation_date": _("Tanggal graduasi wajib diisi.")})
        _not_in_future(graduation_date, "graduation_date")
    now = timezone.now()
    status = ProposalStatus.APPROVED if approve else ProposalStatus.RETURNED
    claimed = GraduationProposal.objects.filter(
        pk=proposal.pk, status=ProposalStatus.PENDING
    ).update(
        status=status,
        decided_by=by,
        decided_at=now,
        decision_comment=comment,
        graduation_date=graduation_date if approve else None,
    )
    if not claimed:
        raise ValidationError(_("Usulan ini sudah diputuskan sebelumnya; tidak ada yang diubah."))
    proposal.refresh_from_db()
    if approve:
        _household_graduate(
            household=proposal.household,
            exit_type=proposal.exit_type,
            date=graduation_date,
            reason=_("Usulan graduasi disetujui: %(reason)s") % {"reason": proposal.reason},
            source=GraduationSource.PROPOSAL,
            by=by,
            proposal=proposal,
        )
    else:
        entry = PipelineEntry.objects.filter(household_id=proposal.household_id).first()
        if entry is not None:
            _pipeline_move(
                entry,
                stage=Stage.SUPPORTED,
                date=timezone.localdate(),
                by=by,
                note=_("Usulan dikembalikan: %(comment)s") % {"comment": comment},
            )
    return proposal


# --- monitoring ----------------------------------------------------------------------


@transaction.atomic
def monitoring_record(
    *, visit: MonitoringVisit, by: User, done_on: datetime.date, outcome: str, note: str = ""
) -> MonitoringVisit:
    """Record a post-graduation check: still self-reliant, or fallen back."""
    household = visit.graduation.household
    _require_facilitator_of(household, by)
    _not_in_future(done_on, "done_on")
    if outcome not in MonitoringOutcome.values:
        raise ValidationError({"outcome": _("Pilih hasil pemantauan.")})
    if done_on < visit.graduation.date:
        raise ValidationError({"done_on": _("Tanggal kunjungan sebelum tanggal graduasi.")})
    recorded = MonitoringVisit.objects.filter(pk=visit.pk, done_on__isnull=True).update(
        done_on=done_on, outcome=outcome, note=note.strip(), recorded_by=by
    )
    if not recorded:
        raise ValidationError(_("Pemantauan ini sudah dicatat."))
    visit.refresh_from_db()
    entry = PipelineEntry.objects.filter(household=household).first()
    if entry is not None and entry.stage in (Stage.GRADUATED, Stage.MONITORED):
        label = MonitoringOutcome(outcome).label
        _pipeline_move(
            entry,
            stage=Stage.MONITORED,
            date=done_on,
            by=by,
            note=_("Pemantauan bulan ke-%(m)d: %(outcome)s")
            % {"m": visit.months_after, "outcome": label},
        )
    return visit


# --- quarterly targets ---------------------------------------------------------------


def default_quarter_target(quarter: int) -> int:
    """The yearly target spread over four quarters, the remainder going to the first
    quarters (10 a year: 3, 3, 2, 2)."""
    yearly = settings.PKH_GRADUATION_YEARLY_TARGET
    return yearly // 4 + (1 if quarter <= yearly % 4 else 0)


@transaction.atomic
def targets_set(
    *, by: User, year: int, quarter: int, targets: dict[int, int]
) -> list[QuarterlyTarget]:
    """Set the quarter's self-graduation target of each facilitator of ``by``'s team."""
    _require_supervisor(by)
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValidationError(_("Triwulan tidak valid."))
    team = set(
        User.objects.filter(supervisor=by, role=Role.FACILITATOR).values_list("pk", flat=True)
    )
    errors = {}
    for facilitator_id, target in targets.items():
        if facilitator_id not in team:
            raise PermissionDenied(_("Pendamping ini bukan anggota tim Anda."))
        if target is None or target < 0:
            errors[f"target_{facilitator_id}"] = _("Target tidak boleh kurang dari nol.")
    if errors:
        raise ValidationError(errors)
    saved = []
    for facilitator_id, target in targets.items():
        row, _created = QuarterlyTarget.objects.update_or_create(
            facilitator_id=facilitator_id,
            year=year,
            quarter=quarter,
            defaults={"target": target, "set_by": by},
        )
        saved.append(row)
    return saved


# --- objections bank -----------------------------------------------------------------

_TAG_SPLIT = re.compile(r"[,;]+")


@transaction.atomic
def objection_save(
    *, by: User, argument: str, answer: str, tags: str = "", objection: Objection | None = None
) -> Objection:
    _require_supervisor(by)
    if not argument.strip() or not answer.strip():
        raise ValidationError(_("Keberatan dan jawaban wajib diisi."))
    tags = ", ".join(t.strip().lower() for t in _TAG_SPLIT.split(tags) if t.strip())
    if objection is None:
        objection = Objection(created_by=by)
    objection.argument, objection.answer, objection.tags = argument.strip(), answer.strip(), tags
    objection.updated_by = by
    objection.save()
    return objection


@transaction.atomic
def objection_archive(*, objection: Objection, by: User, archived: bool = True) -> Objection:
    """Archive (or restore) an objection: it leaves the search, links to it stay."""
    _require_supervisor(by)
    objection.is_archived, objection.updated_by = archived, by
    objection.save(update_fields=["is_archived", "updated_by", "updated_at"])
    return objection

"""Reads of the graduation app, always scoped through ``pkh.scoping``.

Selectors the quarterly reports reuse (stable signatures):

* ``quarter_bounds(year, quarter) -> (first_day, last_day)``
* ``graduations_by_type(*, user, start, end) -> dict[exit_type, int]``
* ``graduations_by_facilitator(*, user, start, end) -> dict[facilitator_id, dict[exit_type, int]]``
* ``pipeline_counts_by_stage(*, user, facilitator_ids=None) -> dict[facilitator_id, dict[stage, int]]``
* ``quarterly_targets(*, user, year, quarter) -> dict[facilitator_id, int]``
* ``proposal_counts(*, user, start, end) -> dict[facilitator_id, ProposalCounts]``
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role, User
from graduation.models import (
    TARGETED_STAGES,
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
from households.models import (
    Disability,
    ExitType,
    Household,
    HouseholdStatus,
    Member,
    SchoolLevel,
)
from households.selectors import facilitator_list, household_scope, pengurus_name
from pkh import quarter_calendar
from pkh.scoping import household_scope_q

# --- helpers -------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """``(year, quarter)`` containing ``day``: quarters follow ``PKH_QUARTER_FIRST_MONTH``
    (``pkh.quarter_calendar``), the same as the quarterly reports, so a target set here is the
    target of the report of the same quarter."""
    return quarter_calendar.quarter_of(day)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter (``pkh.quarter_calendar``)."""
    return quarter_calendar.quarter_bounds(year, quarter)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- assessment forms ----------------------------------------------------------------


def form_current() -> AssessmentForm | None:
    return AssessmentForm.objects.order_by("-version").first()


def form_list() -> QuerySet[AssessmentForm]:
    return AssessmentForm.objects.annotate(
        assessment_count=Count("assessments", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    ).order_by("-version")


def form_get(*, pk: int) -> AssessmentForm:
    return get_object_or_404(AssessmentForm, pk=pk)


def form_groups(*, form: AssessmentForm) -> list[IndicatorGroup]:
    """The form's sections with their indicators and options: three queries."""
    indicators = Indicator.objects.prefetch_related("options").order_by("order", "pk")
    return list(
        form.groups.order_by("order", "pk").prefetch_related(Prefetch("indicators", indicators))
    )


# --- assessments ---------------------------------------------------------------------


def assessment_scope(*, user: User) -> QuerySet[GraduationAssessment]:
    return GraduationAssessment.objects.filter(household_scope_q(user, "household__"))


def assessment_get(*, user: User, pk: int) -> GraduationAssessment:
    qs = assessment_scope(user=user).select_related("household", "form", "assessed_by")
    return get_object_or_404(qs, pk=pk)


def assessment_latest(*, household: Household) -> GraduationAssessment | None:
    return (
        GraduationAssessment.objects.filter(household=household, is_latest=True)
        .select_related("form")
        .first()
    )


@dataclass
class HistoryRow:
    group: str
    text: str
    cells: list  # one (label, weight) or None per assessment column


def assessment_history(
    *, household: Household, limit: int = 6
) -> tuple[list[GraduationAssessment], list[HistoryRow]]:
    """A family's latest ``limit`` assessments side by side, newest first.

    Rows line up by the indicator's ``key`` (stable across form versions); an indicator
    missing from an older version shows an empty cell. Three queries."""
    answers = AssessmentAnswer.objects.select_related("option", "indicator__group")
    assessments = list(
        household.graduation_assessments.select_related("form", "assessed_by")
        .prefetch_related(Prefetch("answers", answers))
        .order_by("-assessed_on", "-pk")[:limit]
    )
    rows: dict[str, HistoryRow] = {}
    order: dict[str, tuple] = {}
    for col, assessment in enumerate(assessments):
        for answer in assessment.answers.all():
            indicator = answer.indicator
            row = rows.get(indicator.key)
            if row is None:
                row = rows[indicator.key] = HistoryRow(
                    group=indicator.group.name, text=indicator.text, cells=[None] * len(assessments)
                )
                order[indicator.key] = (col, indicator.group.order, indicator.order)
            row.cells[col] = (answer.option.label, answer.weight)
    return assessments, [rows[k] for k in sorted(rows, key=lambda k: order[k])]


# --- natural graduation --------------------------------------------------------------

EDUCATION_COMPONENTS = ("SD", "SMP", "SMA")
IN_SCHOOL = (SchoolLevel.SD, SchoolLevel.SMP, SchoolLevel.SMA)
# Levels that say nothing about leaving school (never recorded, or not updated since PAUD).
SCHOOL_UNKNOWN = (SchoolLevel.NONE, SchoolLevel.PAUD)
KNOWN_COMPONENTS = ("IBU_HAMIL", "ANAK_USIA_DINI", *EDUCATION_COMPONENTS, "DISABILITAS", "LANSIA")


def valid_component_q(today: datetime.date, prefix: str = "member__") -> Q:
    """Member-component rows that still count (the member is active and still fits):

    * ANAK_USIA_DINI: younger than 6;
    * SD/SMP/SMA: still in SD, SMP or SMA (``Member.school_level``); a child whose level
      was never recorded counts until ``PKH_EDUCATION_MAX_AGE`` (an import without school
      levels must not look like every pupil left school); "no longer in school" or
      "higher education" ends it;
    * DISABILITAS: severe disability;
    * LANSIA: at least ``PKH_LANSIA_MIN_AGE`` years old;
    * IBU_HAMIL and any component a district added: as long as it is held (the registry
      has no end date for a pregnancy)."""
    under_six = years_before(today, 6)
    school_age = years_before(today, settings.PKH_EDUCATION_MAX_AGE)
    lansia = years_before(today, settings.PKH_LANSIA_MIN_AGE)
    return Q(**{f"{prefix}left_on__isnull": True}) & (
        Q(component_id="IBU_HAMIL")
        | Q(component_id="ANAK_USIA_DINI", **{f"{prefix}birth_date__gt": under_six})
        | Q(component_id__in=EDUCATION_COMPONENTS, **{f"{prefix}school_level__in": IN_SCHOOL})
        | Q(
            component_id__in=EDUCATION_COMPONENTS,
            **{
                f"{prefix}school_level__in": SCHOOL_UNKNOWN,
                f"{prefix}birth_date__gt": school_age,
            },
        )
        | Q(component_id="DISABILITAS", **{f"{prefix}disability": Disability.SEVERE})
        | Q(component_id="LANSIA", **{f"{prefix}birth_date__lte": lansia})
        | ~Q(component_id__in=KNOWN_COMPONENTS)
    )


def natural_graduation_scope(
    households: QuerySet[Household], *, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Active families of ``households`` with no member holding a valid component.

    One set-based query (an anti-join): no Python loop over families."""
    today = today or timezone.localdate()
    through = Member.components.through
    still_valid = through.objects.filter(valid_component_q(today), member__household=OuterRef("pk"))
    return households.filter(status=HouseholdStatus.ACTIVE).exclude(Exists(still_valid))


def natural_graduation_candidates(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Families in ``user``'s scope detected as natural graduates, ready to render."""
    return (
        natural_graduation_scope(household_scope(user=user), today=today)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
        .order_by("village__name", "pengurus_name", "pk")
    )


def natural_graduation_ids(
    *, user: User, facilitator: int | None = None, today: datetime.date | None = None
) -> list[int]:
    """Ids of the detected families in ``user``'s scope, by village: one set-based query,
    so a page can count and slice without running the detection twice."""
    qs = natural_graduation_scope(household_scope(user=user), today=today)
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    return list(qs.order_by("village_id", "pk").values_list("pk", flat=True))


def natural_graduation_rows(ids: list[int]) -> list[Household]:
    """The families ``ids`` ready to render, in the order given."""
    rows = {
        h.pk: h
        for h in Household.objects.filter(pk__in=ids)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
    }
    return [rows[pk] for pk in ids if pk in rows]


def natural_graduation_reasons(
    household_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, list[str]]:
    """Why each family no longer has a component, one line per former component holder.
    Two queries whatever the number of families."""
    household_ids = list(household_ids)
    today = today or timezone.localdate()
    six = years_before(today, 6)
    lansia_age = settings.PKH_LANSIA_MIN_AGE
    lansia = years_before(today, lansia_age)
    school_age = years_before(today, settings.PKH_EDUCATION_MAX_AGE)
    members = (
        Member.objects.filter(household_id__in=household_ids)
        .prefetch_related("components")
        .order_by("household_id", "birth_date")
    )
    reasons: dict[int, list[str]] = defaultdict(list)
    for member in members:
        for component in member.components.all():
            code = component.code
            if member.left_on is not None:
                why = _("keluar %(date)s (%(reason)s)") % {
                    "date": date_format(member.left_on),
                    "reason": member.get_left_reason_display() or "-",
                }
            elif code == "ANAK_USIA_DINI" and member.birth_date <= six:
                why = _("sudah berusia 6 tahun")
            elif code in EDUCATION_COMPONENTS and member.school_level in SCHOOL_UNKNOWN:
                if member.birth_date > school_age:
                    continue
                why = _("sudah berusia %(age)d tahun, tidak tercatat bersekolah") % {
                    "age": settings.PKH_EDUCATION_MAX_AGE
                }
            elif code in EDUCATION_COMPONENTS and member.school_level not in IN_SCHOOL:
                why = _("tidak bersekolah di SD/SMP/SMA lagi (%(level)s)") % {
                    "level": member.get_school_level_display()
                }
            elif code == "DISABILITAS" and member.disability != Disability.SEVERE:
                why = _("bukan disabilitas berat lagi")
            elif code == "LANSIA" and member.birth_date > lansia:
                why = _("belum berusia %(age)d tahun") % {"age": lansia_age}
            else:
                continue
            reasons[member.household_id].append(
                _("%(name)s, %(component)s: %(why)s")
                % {"name": member.name, "component": component.name, "why": why}
            )
    for pk in household_ids:
        if not reasons.get(pk):
            reasons[pk] = [_("tidak ada anggota yang tercatat sebagai komponen")]
    return dict(reasons)


# --- pipeline ------------------------------------------------------------------------


def pipeline_list(
    *, user: User, stage: str | None = None, facilitator: int | None = None
) -> QuerySet[PipelineEntry]:
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__"))
    if stage:
        qs = qs.filter(stage=stage)
    if facilitator:
        qs = qs.filter(household__facilitator_id=facilitator)
    latest = GraduationAssessment.objects.filter(
        household=OuterRef("household"), is_latest=True
    ).order_by()
    return (
        qs.select_related("household__village", "household__facilitator")
        .annotate(
            pengurus_name=pengurus_name("household"),
            latest_score=Subquery(latest.values("score_pct")[:1]),
            latest_readiness=Subquery(latest.values("readiness")[:1]),
        )
        .order_by("stage_since", "pk")
    )


def pipeline_board(
    *, user: User, facilitator: int | None = None, per_stage: int = 30
) -> tuple[dict[str, list[PipelineEntry]], dict[str, int]]:
    """The board: the ``per_stage`` longest-waiting families of each stage, and the number
    of families per stage. Three queries whatever the number of entries: the ranking
    (a window function per stage), the rows of the board, the counts."""
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__"))
    if facilitator:
        qs = qs.filter(household__facilitator_id=facilitator)
    ranked = qs.annotate(
        rank=Window(
            RowNumber(), partition_by=[F("stage")], order_by=[F("stage_since").asc(), F("pk").asc()]
        )
    ).filter(rank__lte=per_stage)
    ids = list(ranked.values_list("pk", flat=True))
    latest = GraduationAssessment.objects.filter(
        household=OuterRef("household"), is_latest=True
    ).order_by()
    rows = (
        PipelineEntry.objects.filter(pk__in=ids)
        .select_related("household__village")
        .only(
            "household",
            "stage",
            "stage_since",
            "household__id_keluarga",
            "household__village",
            "household__village__name",
        )
        .annotate(
            pengurus_name=pengurus_name("household"),
            latest_score=Subquery(latest.values("score_pct")[:1]),
        )
        .order_by("stage_since", "pk")
    )
    columns: dict[str, list[PipelineEntry]] = {stage: [] for stage in Stage.values}
    for entry in rows:
        columns[entry.stage].append(entry)
    counts = dict(qs.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return columns, counts


def pipeline_get(*, user: User, household_pk: int) -> PipelineEntry:
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__facilitator"
    )
    return get_object_or_404(qs, household_id=household_pk)


def pipeline_events(*, entry: PipelineEntry) -> QuerySet[PipelineEvent]:
    return entry.events.select_related("by", "objection").order_by("-date", "-pk")


# --- proposals -----------------------------------------------------------------------


def proposal_list(*, user: User, status: str | None = None) -> QuerySet[GraduationProposal]:
    qs = GraduationProposal.objects.filter(household_scope_q(user, "household__"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "household__village", "household__facilitator", "assessment", "submitted_by", "decided_by"
    ).annotate(pengurus_name=pengurus_name("household"))


def proposal_get(*, user: User, pk: int) -> GraduationProposal:
    qs = GraduationProposal.objects.filter(household_scope_q(user, "household__")).select_related(
        "household__facilitator__supervisor", "assessment__form", "submitted_by", "decided_by"
    )
    return get_object_or_404(qs, pk=pk)


def proposal_history(*, household: Household) -> QuerySet[GraduationProposal]:
    return household.graduation_proposals.select_related(
        "submitted_by", "decided_by", "assessment"
    ).order_by("-submitted_at", "-pk")


# --- monitoring ----------------------------------------------------------------------


def monitoring_scope(*, user: User) -> QuerySet[MonitoringVisit]:
    return MonitoringVisit.objects.filter(household_scope_q(user, "graduation__household__"))


def monitoring_get(*, user: User, pk: int) -> MonitoringVisit:
    return get_object_or_404(
        monitoring_scope(user=user).select_related("graduation__household"), pk=pk
    )


def monitoring_due(*, user: User, until: datetime.date) -> QuerySet[MonitoringVisit]:
    """Open monitoring visits due by ``until`` (overdue ones too), oldest first."""
    return (
        monitoring_scope(user=user)
        .filter(done_on__isnull=True, due_on__lte=until)
        .select_related("graduation__household")
        .annotate(pengurus_name=pengurus_name("graduation__household"))
        .order_by("due_on", "pk")
    )


# --- objections ----------------------------------------------------------------------


def objection_list(*, search: str = "", archived: bool = False) -> QuerySet[Objection]:
    """The shared bank (not personal data: every signed-in role may read it)."""
    qs = Objection.objects.filter(is_archived=archived)
    for word in search.split()[:8]:
        qs = qs.filter(
            Q(argument__icontains=word) | Q(answer__icontains=word) | Q(tags__icontains=word)
        )
    return qs.order_by("argument", "pk")


# --- supervisor review and report selectors ------------------------------------------


def _team(user: User) -> list[User]:
    return list(facilitator_list(user=user).order_by("first_name", "last_name", "username"))


def quarterly_targets(*, user: User, year: int, quarter: int) -> dict[int, int]:
    """Each visible facilitator's target for the quarter (the default where none is set)."""
    from graduation.services import default_quarter_target

    ids = list(facilitator_list(user=user).values_list("pk", flat=True))
    rows = _target_rows(ids, year, quarter)
    default = default_quarter_target(quarter)
    return {pk: rows.get(pk, default) for pk in ids}


def _target_rows(ids: list[int], year: int, quarter: int) -> dict[int, int]:
    return dict(
        QuarterlyTarget.objects.filter(
            facilitator_id__in=ids, year=year, quarter=quarter
        ).values_list("facilitator_id", "target")
    )


def graduations_by_type(*, user: User, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Graduations/exits recorded through this app with a date in [start, end], by type."""
    return dict(
        Graduation.objects.filter(household_scope_q(user, "household__"), date__range=(start, end))
        .values("exit_type")
        .annotate(n=Count("pk"))
        .values_list("exit_type", "n")
    )


def graduations_by_facilitator(
    *, user: User, start: datetime.date, end: datetime.date
) -> dict[int, dict[str, int]]:
    """Same, per facilitator at the time of graduation."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Graduation.objects.filter(household_scope_q(user, "household__"), date__range=(start, end))
        .values("facilitator_id", "exit_type")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        result[row["facilitator_id"]][row["exit_type"]] = row["n"]
    return dict(result)


def pipeline_counts_by_stage(
    *, user: User, facilitator_ids: Iterable[int] | None = None
) -> dict[int, dict[str, int]]:
    """Families on the pipeline per current facilitator and stage. One query."""
    qs = PipelineEntry.objects.filter(household_scope_q(user, "household__"))
    if facilitator_ids is not None:
        qs = qs.filter(household__facilitator_id__in=list(facilitator_ids))
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in qs.values("household__facilitator_id", "stage").annotate(n=Count("pk")):
        result[row["household__facilitator_id"]][row["stage"]] = row["n"]
    return dict(result)


@dataclass
class ProposalCounts:
    proposed: int = 0
    approved: int = 0
    returned: int = 0
    pending: int = 0


def proposal_counts(
    *,
    user: User,
    start: datetime.date,
    end: datetime.date,
    exit_type: str | None = None,
    facilitator_ids: Iterable[int] | None = None,
) -> dict[int, ProposalCounts]:
    """Per submitting facilitator: proposals submitted in [start, end] (``proposed``),
    of which still ``pending``; proposals approved with a graduation date in the period
    (``approved``) and returned in the period (``returned``). One query."""
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    qs = GraduationProposal.objects.filter(household_scope_q(user, "household__"))
    if exit_type:
        qs = qs.filter(exit_type=exit_type)
    if facilitator_ids is not None:
        qs = qs.filter(submitted_by_id__in=list(facilitator_ids))
    submitted = Q(submitted_at__gte=start_at, submitted_at__lt=end_at)
    rows = (
        qs.filter(
            submitted
            | Q(status=ProposalStatus.APPROVED, graduation_date__range=(start, end))
            | Q(status=ProposalStatus.RETURNED, decided_at__gte=start_at, decided_at__lt=end_at)
        )
        .values("submitted_by_id")
        .annotate(
            proposed=Count("pk", filter=submitted),
            pending=Count("pk", filter=submitted & Q(status=ProposalStatus.PENDING)),
            approved=Count(
                "pk",
                filter=Q(status=ProposalStatus.APPROVED, graduation_date__range=(start, end)),
            ),
            returned=Count(
                "pk",
                filter=Q(
                    status=ProposalStatus.RETURNED, decided_at__gte=start_at, decided_at__lt=end_at
                ),
            ),
        )
    )
    return {
        row["submitted_by_id"]: ProposalCounts(
            proposed=row["proposed"],
            approved=row["approved"],
            returned=row["returned"],
            pending=row["pending"],
        )
        for row in rows
    }


def ready_not_targeted(*, user: User, facilitator: int | None = None) -> QuerySet[Household]:
    """Active families whose latest assessment says "ready" and that are not yet targeted
    (no pipeline entry beyond "assessed")."""
    ready = GraduationAssessment.objects.filter(
        household=OuterRef("pk"), is_latest=True, readiness=Readiness.READY
    )
    targeted = PipelineEntry.objects.filter(household=OuterRef("pk"), stage__in=TARGETED_STAGES)
    qs = household_scope(user=user).filter(Exists(ready), status=HouseholdStatus.ACTIVE)
    qs = qs.exclude(Exists(targeted))
    if facilitator:
        qs = qs.filter(facilitator_id=facilitator)
    return qs


@dataclass
class FacilitatorReview:
    facilitator: User
    target: int
    target_is_default: bool
    proposed: int
    approved: int
    returned: int
    pending: int
    natural: int
    ready_not_targeted: int
    relapsed: int
    stages: dict[str, int] = field(default_factory=dict)

    @property
    def stage_list(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.stages.get(s.value, 0)) for s in Stage]

    @property
    def progress_pct(self) -> int:
        return min(100, round(100 * self.approved / self.target)) if self.target else 100


def review_rows(*, user: User, year: int, quarter: int) -> list[FacilitatorReview]:
    """The supervisor's three-monthly review: per facilitator of the team, target vs
    proposed vs approved self-graduations, pipeline by stage, natural graduations,
    ready-but-not-targeted families and relapses. Seven queries whatever the team size."""
    from graduation.services import default_quarter_target

    if user.role != Role.SUPERVISOR:
        return []
    team = _team(user)
    ids = [f.pk for f in team]
    start, end = quarter_bounds(year, quarter)
    targets = _target_rows(ids, year, quarter)
    default = default_quarter_target(quarter)
    proposals = proposal_counts(
        user=user, start=start, end=end, exit_type=ExitType.GRADUASI_MANDIRI, facilitator_ids=ids
    )
    stages = pipeline_counts_by_stage(user=user, facilitator_ids=ids)
    ready = dict(
        ready_not_targeted(user=user)
        .filter(facilitator_id__in=ids)
        .values("facilitator_id")
        .annotate(n=Count("pk"))
        .values_list("facilitator_id", "n")
    )
    natural = dict(
        Graduation.objects.filter(
            facilitator_id__in=ids,
            source=GraduationSource.NATURAL,
            date__range=(start, end),
        )
        .values("facilitator_id")
        .annotate(n=Count("pk"))
        .values_list("facilitator_id", "n")
    )
    relapsed = dict(
        MonitoringVisit.objects.filter(
            graduation__facilitator_id__in=ids, outcome=MonitoringOutcome.FALLEN_BACK
        )
        .values("graduation__facilitator_id")
        .annotate(n=Count("graduation", distinct=True))
        .values_list("graduation__facilitator_id", "n")
    )
    rows = []
    for f in team:
        counts = proposals.get(f.pk, ProposalCounts())
        rows.append(
            FacilitatorReview(
                facilitator=f,
                target=targets.get(f.pk, default),
                target_is_default=f.pk not in targets,
                proposed=counts.proposed,
                approved=counts.approved,
                returned=counts.returned,
                pending=counts.pending,
                natural=natural.get(f.pk, 0),
                ready_not_targeted=ready.get(f.pk, 0),
                relapsed=relapsed.get(f.pk, 0),
                stages=stages.get(f.pk, {}),
            )
        )
    return rows


# --- family page ---------------------------------------------------------------------


@dataclass
class FamilyGraduationSummary:
    latest: GraduationAssessment | None
    entry: PipelineEntry | None
    pending_proposal: GraduationProposal | None
    graduation: Graduation | None
    next_monitoring: MonitoringVisit | None
    relapsed: bool


def family_summary(*, household: Household) -> FamilyGraduationSummary:
    """What the family page shows of graduation: five small queries."""
    graduation = household.graduations.order_by("-date", "-pk").first()
    next_monitoring = None
    relapsed = False
    if graduation is not None:
        visits = list(graduation.monitoring_visits.all())
        next_monitoring = next((v for v in visits if v.done_on is None), None)
        relapsed = any(v.outcome == MonitoringOutcome.FALLEN_BACK for v in visits)
    return FamilyGraduationSummary(
        latest=assessment_latest(household=household),
        entry=PipelineEntry.objects.filter(household=household).first(),
        pending_proposal=household.graduation_proposals.filter(
            status=ProposalStatus.PENDING
        ).first(),
        graduation=graduation,
        next_monitoring=next_monitoring,
        relapsed=relapsed,
    )

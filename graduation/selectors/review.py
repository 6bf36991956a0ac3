"""The supervisor's three-monthly review and the counts the quarterly reports reuse."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from graduation.models import (
    TARGETED_STAGES,
    Graduation,
    GraduationAssessment,
    GraduationProposal,
    GraduationSource,
    MonitoringOutcome,
    MonitoringVisit,
    PipelineEntry,
    ProposalStatus,
    Readiness,
    Stage,
)
from graduation.selectors.targets import (
    default_quarter_target,
    quarter_bounds,
    quarter_of,
    quarterly_targets,
    target_rows,
)
from households.models import ExitType, Household, HouseholdStatus
from households.selectors import facilitator_list, household_scope, pengurus_name
from pkh.scoping import household_scope_q


def team_list(*, user: User) -> list[User]:
    """The facilitators ``user`` sees (a supervisor: the team), by name."""
    return list(facilitator_list(user=user).order_by("first_name", "last_name", "username"))


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
    if user.role != Role.SUPERVISOR:
        return []
    team = team_list(user=user)
    ids = [f.pk for f in team]
    start, end = quarter_bounds(year, quarter)
    targets = target_rows(ids, year, quarter)
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


def quarter_progress(*, user: User, today: datetime.date) -> dict:
    """The quarter of ``today``: a facilitator's self-graduation target and their
    proposals (``ProposalCounts``), for the board's progress line."""
    year, quarter = quarter_of(today)
    start, end = quarter_bounds(year, quarter)
    target = quarterly_targets(user=user, year=year, quarter=quarter).get(user.pk, 0)
    counts = proposal_counts(
        user=user, start=start, end=end, exit_type=ExitType.GRADUASI_MANDIRI
    ).get(user.pk, ProposalCounts())
    return {"year": year, "quarter": quarter, "target": target, "counts": counts}


def ready_list(*, user: User, facilitator: int | None = None) -> QuerySet[Household]:
    """``ready_not_targeted`` ready to render: village, facilitator and pengurus' name,
    by facilitator."""
    return (
        ready_not_targeted(user=user, facilitator=facilitator)
        .select_related("village", "facilitator")
        .annotate(pengurus_name=pengurus_name())
        .order_by("facilitator__username", "pengurus_name", "pk")
    )

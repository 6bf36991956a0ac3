"""Reads of the reports app, scoped to what the user may see.

A report is visible to its facilitator, to the facilitator's supervisor and to admins of
a region that holds one of the facilitator's areas: the same rule as the households'
facilitator list (``pkh.scoping``). "Not yours" answers 404 like "does not exist".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from households.selectors import facilitator_list
from pkh.scoping import NOTHING, area_q, scope_q
from reports.models import ProgressReport, ReportRun, ReportRunItem, RunStatus
from reports.quarters import Quarter
from reports.sections import TEAM_DEFAULT_SORT, TeamColumn, sections


def facilitator_scope_q(user: User, path: str = "facilitator") -> Q:
    """Rows whose facilitator (at ``path``) ``user`` may see; see the module docstring."""
    if user.is_authenticated and user.is_active and user.role == Role.ADMIN:
        areas = User.areas.through.objects.filter(
            area_q(user.area_codes, village="region__code"), user_id=OuterRef(f"{path}_id")
        )
        return Q(Exists(areas))
    if user.role not in (Role.FACILITATOR, Role.SUPERVISOR):
        return NOTHING
    return scope_q(user, facilitator=path, village="-")


def report_list(*, user: User, quarter: Quarter | None = None) -> QuerySet[ProgressReport]:
    qs = (
        ProgressReport.objects.filter(facilitator_scope_q(user))
        .select_related("facilitator__supervisor", "generated_by")
        .defer("snapshot", "summary")
        .order_by("-quarter", "facilitator__first_name", "facilitator__username")
    )
    if quarter:
        qs = qs.filter(quarter=str(quarter))
    return qs


def report_get(*, user: User, pk: int) -> ProgressReport:
    qs = ProgressReport.objects.filter(facilitator_scope_q(user)).select_related(
        "facilitator__supervisor", "generated_by", "run"
    )
    return get_object_or_404(qs, pk=pk)


def team_columns() -> list[TeamColumn]:
    return [c for s in sections() for c in s.team_columns]


@dataclass
class TeamRow:
    facilitator: User
    report_id: int | None
    values: dict = field(default_factory=dict)  # figure key -> this quarter's value
    previous: dict = field(default_factory=dict)  # figure key -> previous quarter's value


def team_rows(
    *,
    user: User,
    quarter: Quarter,
    supervisor: User | None = None,
    sort: str = "",
    direction: str = "",
) -> list[TeamRow]:
    """One row per facilitator the user may see (or of ``supervisor``'s team), with this
    quarter's and the previous quarter's headline figures. Two queries whatever the size.

    The previous values come from the previous quarter's stored report when it exists,
    else from this report's own comparison figures.
    """
    facilitators = facilitator_list(user=user).select_related("supervisor")
    if supervisor is not None:
        facilitators = facilitators.filter(supervisor=supervisor)
    facilitators = list(facilitators.order_by("first_name", "username"))
    reports: dict[tuple[int, str], dict] = {}
    for row in ProgressReport.objects.filter(
        facilitator__in=[f.pk for f in facilitators],
        quarter__in=[str(quarter), str(quarter.previous)],
    ).values("id", "facilitator_id", "quarter", "summary"):
        reports[(row["facilitator_id"], row["quarter"])] = row
    keys = [c.key for c in team_columns()]
    rows = []
    for f in facilitators:
        current = reports.get((f.pk, str(quarter)))
        before = reports.get((f.pk, str(quarter.previous)))
        values = {k: current["summary"].get(k) for k in keys} if current else {}
        if before:
            previous = {k: before["summary"].get(k) for k in keys}
        elif current:
            previous = {k: current["summary"].get(f"{k}__prev") for k in keys}
        else:
            previous = {}
        rows.append(TeamRow(f, current["id"] if current else None, values, previous))
    return team_sort(rows, sort=sort, direction=direction)


def team_sort(rows: list[TeamRow], *, sort: str = "", direction: str = "") -> list[TeamRow]:
    """Sort by a column key ("name" or a figure key); rows without a report go last."""
    keys = {c.key for c in team_columns()}
    if sort != "name" and sort not in keys:
        sort, direction = TEAM_DEFAULT_SORT
    reverse = direction == "desc"
    if sort == "name":
        return sorted(rows, key=lambda r: str(r.facilitator).lower(), reverse=reverse)
    present = [r for r in rows if r.values.get(sort) is not None]
    missing = [r for r in rows if r.values.get(sort) is None]
    present.sort(key=lambda r: (r.values[sort], str(r.facilitator).lower()), reverse=reverse)
    return present + missing


def team_supervisors(*, user: User) -> QuerySet[User]:
    """Supervisors whose team the user may look at (admin: those leading facilitators of
    the region; supervisor: themselves)."""
    if user.role == Role.SUPERVISOR:
        return User.objects.filter(pk=user.pk)
    if user.role == Role.ADMIN:
        team = facilitator_list(user=user).values("supervisor_id")
        return User.objects.filter(role=Role.SUPERVISOR, pk__in=team).order_by(
            "first_name", "username"
        )
    return User.objects.none()


@dataclass
class SupervisorRow:
    supervisor: User | None
    facilitators: int = 0
    reports: int = 0
    totals: dict = field(default_factory=dict)


# Percentage columns summed over a team: (numerator, denominator) figure keys.
PERCENT_PARTS = {
    "visits.not_visited_pct": ("visits.not_visited", "caseload.active_end"),
    "fds.attendance_pct": ("fds.attendance_present", "fds.attendance_expected"),
    "aid.coverage_pct": ("aid.receiving", "aid.eligible"),
    "commitments.completeness_pct": ("commitments.entered", "commitments.due"),
    "commitments.compliance_pct": ("commitments.complies", "commitments.judged"),
}


def district_rows(*, user: User, quarter: Quarter) -> list[SupervisorRow]:
    """The admin's district by supervisor: facilitators, reports made and summed figures.

    Percentages are recomputed from the sums. Three queries whatever the size.
    """
    facilitators = list(facilitator_list(user=user).select_related("supervisor"))
    summaries = dict(
        ProgressReport.objects.filter(
            facilitator__in=[f.pk for f in facilitators], quarter=str(quarter)
        ).values_list("facilitator_id", "summary")
    )
    count_keys = [c.key for c in team_columns() if c.unit != "%"]
    groups: dict[int | None, SupervisorRow] = {}
    for f in facilitators:
        row = groups.setdefault(f.supervisor_id, SupervisorRow(f.supervisor))
        row.facilitators += 1
        summary = summaries.get(f.pk)
        if summary is None:
            continue
        row.reports += 1
        for key in [*count_keys, *(k for pair in PERCENT_PARTS.values() for k in pair)]:
            row.totals[key] = row.totals.get(key, 0) + (summary.get(key) or 0)
    for row in groups.values():
        for key, (part, whole) in PERCENT_PARTS.items():
            if row.reports and row.totals.get(whole):
                row.totals[key] = round(100 * row.totals.get(part, 0) / row.totals[whole], 1)
    return sorted(groups.values(), key=lambda r: (r.supervisor is None, str(r.supervisor or "")))


def run_list(*, user: User) -> QuerySet[ReportRun]:
    """Runs that produced (or should produce) a report the user may see."""
    mine = ReportRunItem.objects.filter(facilitator_scope_q(user), run_id=OuterRef("pk"))
    return ReportRun.objects.filter(Exists(mine)).select_related("requested_by")


def run_get(*, user: User, pk: int) -> ReportRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def run_items(*, user: User, run: ReportRun, status: str | None = None) -> QuerySet[ReportRunItem]:
    qs = (
        ReportRunItem.objects.filter(facilitator_scope_q(user), run=run)
        .select_related("facilitator", "requested_by")
        .annotate(
            failed_first=Case(
                When(status=RunStatus.FAILED, then=0),
                When(status=RunStatus.RUNNING, then=1),
                When(status=RunStatus.QUEUED, then=2),
                default=3,
            )
        )
        .order_by("failed_first", "facilitator__username")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def run_item_get(*, user: User, pk: int) -> ReportRunItem:
    qs = ReportRunItem.objects.filter(facilitator_scope_q(user)).select_related(
        "facilitator", "run"
    )
    return get_object_or_404(qs, pk=pk)


def facilitator_get(*, user: User, pk: int) -> User:
    return get_object_or_404(facilitator_list(user=user), pk=pk)


def quarters_with_reports(*, user: User) -> list[str]:
    return list(
        ProgressReport.objects.filter(facilitator_scope_q(user))
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .distinct()[:12]
    )

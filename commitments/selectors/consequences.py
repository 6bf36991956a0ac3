"""The consequences of non-compliance, per family per calendar quarter.

Worked out from the entries' verdicts (``commitments.selectors.compliance``) and the
thresholds ``PKH_COMMITMENT_*`` of ``pkh/settings/base.py`` (never stored: an entry
corrected later changes them). For one family and one quarter (Jan-Mar, Apr-Jun, ...):

* the family's *months failed*: the months of the quarter in which any member failed any
  component (a month not entered fails nothing);
* a member's months failed: the months of the quarter in which they failed any of their
  components. A member who changed component mid-quarter keeps one count across both
  (the months are theirs); the reduction falls on the component of their last failed
  month in the quarter, the one they held then;
* the level, the highest that applies: ``WARNING`` (family months >=
  ``PKH_COMMITMENT_WARNING_MIN_MONTHS``), ``REDUCTION`` (some member's months >=
  ``PKH_COMMITMENT_REDUCTION_MIN_MONTHS``), ``SUSPENSION`` (family months >=
  ``PKH_COMMITMENT_SUSPENSION_MIN_MONTHS``), ``CANCELLATION`` (the suspension threshold
  reached in ``PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS`` quarters in a row, this one
  the last).

A quarter is *judged* once the verification of its last month is due
(:func:`judged_quarter`). The reduction, ``PKH_COMMITMENT_REDUCTION_PERCENT`` of the
quarter's share (a quarter of the yearly rate) of the member's component, is applied to
the family's yearly estimate (:func:`benefit_reductions`, through
``pkh.extensions.benefit_adjustments``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from commitments import rules as r
from commitments.models import SanctionKind, SanctionProposal, SanctionStatus, VerificationEntry
from commitments.rules import Rules, Verdict
from commitments.selectors.compliance import entries_with_verdict
from commitments.selectors.due import current_month

QUARTERS_PER_YEAR = 4


class Level(models.IntegerChoices):
    NONE = 0, _("Memenuhi")
    WARNING = 1, _("Peringatan pertama")
    REDUCTION = 2, _("Pengurangan bantuan")
    SUSPENSION = 3, _("Diusulkan penangguhan")
    CANCELLATION = 4, _("Diusulkan pembatalan")


@dataclass(frozen=True)
class Thresholds:
    warning_min_months: int
    reduction_min_months: int
    reduction_percent: int
    suspension_min_months: int
    cancellation_after_quarters: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        t = cls(
            warning_min_months=settings.PKH_COMMITMENT_WARNING_MIN_MONTHS,
            reduction_min_months=settings.PKH_COMMITMENT_REDUCTION_MIN_MONTHS,
            reduction_percent=settings.PKH_COMMITMENT_REDUCTION_PERCENT,
            suspension_min_months=settings.PKH_COMMITMENT_SUSPENSION_MIN_MONTHS,
            cancellation_after_quarters=settings.PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS,
        )
        for name in ("warning_min_months", "reduction_min_months", "suspension_min_months"):
            if not 1 <= getattr(t, name) <= 3:
                raise ValueError(f"PKH_COMMITMENT_{name.upper()} must be 1-3 (months of a quarter)")
        if not 0 <= t.reduction_percent <= 100:
            raise ValueError("PKH_COMMITMENT_REDUCTION_PERCENT must be 0-100")
        if t.cancellation_after_quarters < 1:
            raise ValueError("PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS must be at least 1")
        return t


def quarter_start(month: datetime.date) -> datetime.date:
    return datetime.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def quarter_months(quarter: datetime.date) -> tuple[datetime.date, ...]:
    return tuple(r.month_add(quarter, k) for k in range(3))


def quarter_label(quarter: datetime.date) -> str:
    numerals = ("I", "II", "III", "IV")
    return f"{numerals[(quarter.month - 1) // 3]} {quarter.year}"


def judged_quarter(today: datetime.date) -> datetime.date:
    """The latest quarter whose last month's verification is due: the quarter before the
    one of the month being verified now (``due.current_month``). On 5 April (entries of
    March due on the 10th) it is October-December; from 11 April, January-March."""
    return r.month_add(quarter_start(current_month(today)), -3)


@dataclass
class MemberFailures:
    member_id: int
    months: set[datetime.date] = field(default_factory=set)
    last_component: str = ""  # the component failed in the member's last failed month
    last_month: datetime.date | None = None


@dataclass
class Consequence:
    household_id: int
    quarter: datetime.date
    months_failed: int  # the family's, in this quarter
    members: dict[int, MemberFailures]
    quarters_in_a_row: int  # quarters up to this one reaching the suspension threshold
    level: Level

    @property
    def reductions(self) -> list[MemberFailures]:
        t = Thresholds.from_settings()
        return [m for m in self.members.values() if len(m.months) >= t.reduction_min_months]

    @property
    def label(self) -> str:
        return self.level.label


def _level(months_failed: int, members, in_a_row: int, t: Thresholds) -> Level:
    if in_a_row >= t.cancellation_after_quarters and months_failed >= t.suspension_min_months:
        return Level.CANCELLATION
    if months_failed >= t.suspension_min_months:
        return Level.SUSPENSION
    if any(len(m.months) >= t.reduction_min_months for m in members.values()):
        return Level.REDUCTION
    if months_failed >= t.warning_min_months:
        return Level.WARNING
    return Level.NONE


def quarter_consequences(
    *,
    households: QuerySet | Iterable[int],
    quarter: datetime.date,
    rules: Rules | None = None,
    thresholds: Thresholds | None = None,
) -> dict[int, Consequence]:
    """``{household id: Consequence}`` of ``quarter`` for the families with a failed month
    in it (the others: ``Level.NONE``). One query, reading only failed entries of this
    quarter and of the quarters before that cancellation looks back on."""
    t = thresholds or Thresholds.from_settings()
    quarter = quarter_start(quarter)
    first = r.month_add(quarter, -3 * (t.cancellation_after_quarters - 1))
    rows = (
        entries_with_verdict(
            VerificationEntry.objects.filter(
                household__in=households, month__gte=first, month__lte=r.month_add(quarter, 2)
            ),
            rules=rules,
        )
        .filter(verdict=Verdict.FAILS)
        .order_by("household_id", "month", "member_id", "component_id")
        .values_list("household_id", "member_id", "component_id", "month")
    )
    # household -> quarter -> months failed; household -> member failures (this quarter)
    months: dict[int, dict[datetime.date, set[datetime.date]]] = {}
    members: dict[int, dict[int, MemberFailures]] = {}
    for household_id, member_id, component_id, month in rows:
        q = quarter_start(month)
        months.setdefault(household_id, {}).setdefault(q, set()).add(month)
        if q != quarter:
            continue
        m = members.setdefault(household_id, {}).setdefault(member_id, MemberFailures(member_id))
        m.months.add(month)
        if m.last_month is None or month >= m.last_month:
            # Same month, two components failed: the one that sorts last (stable).
            m.last_month, m.last_component = month, component_id
    result = {}
    for household_id, by_quarter in months.items():
        failed = len(by_quarter.get(quarter, ()))
        if not failed:
            continue
        in_a_row, q = 0, quarter
        while len(by_quarter.get(q, ())) >= t.suspension_min_months:
            in_a_row += 1
            q = r.month_add(q, -3)
        these = members.get(household_id, {})
        result[household_id] = Consequence(
            household_id=household_id,
            quarter=quarter,
            months_failed=failed,
            members=these,
            quarters_in_a_row=in_a_row,
            level=_level(failed, these, in_a_row, t),
        )
    return result


def household_consequence(*, household, quarter: datetime.date) -> Consequence | None:
    return quarter_consequences(households=[household.pk], quarter=quarter).get(household.pk)


LEVEL_KIND = {
    Level.SUSPENSION: SanctionKind.SUSPENSION,
    Level.CANCELLATION: SanctionKind.CANCELLATION,
}


def proposable_kind(consequence: Consequence | None) -> str | None:
    """The sanction the quarter's consequence calls for (``SanctionKind``), if any."""
    if consequence is None:
        return None
    return LEVEL_KIND.get(consequence.level)


@dataclass(frozen=True)
class DueSanction:
    household_id: int
    kind: str
    consequence: Consequence


def sanctions_due(*, households: QuerySet, quarter: datetime.date) -> list[DueSanction]:
    """Families whose ``quarter`` calls for a suspension or cancellation not yet proposed
    for it (a pending or confirmed proposal of the quarter and kind settles it; a
    returned one leaves it due again). Suspension is due only for an active family (a
    suspended one is already suspended); cancellation for an active or suspended one.
    Three queries."""
    from households.models import HouseholdStatus

    consequences = quarter_consequences(households=households, quarter=quarter)
    wanted = {hid: proposable_kind(c) for hid, c in consequences.items() if proposable_kind(c)}
    if not wanted:
        return []
    status = dict(households.filter(pk__in=wanted).values_list("pk", "status"))
    settled = set(
        SanctionProposal.objects.filter(
            household_id__in=wanted,
            quarter=quarter,
            status__in=(SanctionStatus.PENDING, SanctionStatus.CONFIRMED),
        ).values_list("household_id", "kind")
    )
    pending = set(
        SanctionProposal.objects.filter(
            household_id__in=wanted, status=SanctionStatus.PENDING
        ).values_list("household_id", flat=True)
    )
    out = []
    for hid, kind in sorted(wanted.items()):
        allowed = (
            (HouseholdStatus.ACTIVE,)
            if kind == SanctionKind.SUSPENSION
            else (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED)
        )
        if status.get(hid) not in allowed or (hid, kind) in settled or hid in pending:
            continue
        out.append(DueSanction(hid, kind, consequences[hid]))
    return out


@dataclass(frozen=True)
class Reduction:
    member_id: int
    component_id: str
    quarter: datetime.date
    months_failed: int
    amount: int  # rupiah, positive: what comes off


def benefit_reductions(
    *, household, counted_member_ids: set[int], year: int, today: datetime.date
) -> list[Reduction]:
    """The reductions of ``year``'s judged quarters for the members whose benefit counts
    in the estimate: ``PKH_COMMITMENT_REDUCTION_PERCENT`` of a quarter of the yearly rate
    of the member's failed component, per quarter reduced."""
    from households.selectors import benefit_rates

    t = Thresholds.from_settings()
    last = judged_quarter(today)
    quarters = [datetime.date(year, m, 1) for m in (1, 4, 7, 10)]
    quarters = [q for q in quarters if q <= last]
    if not quarters or not counted_member_ids:
        return []
    rates = benefit_rates(year=year)
    out = []
    for quarter in quarters:
        c = quarter_consequences(households=[household.pk], quarter=quarter, thresholds=t).get(
            household.pk
        )
        if c is None:
            continue
        for m in c.reductions:
            if m.member_id not in counted_member_ids:
                continue
            share = rates.get(m.last_component, 0) * t.reduction_percent
            amount = round(share / (100 * QUARTERS_PER_YEAR))
            if amount:
                out.append(Reduction(m.member_id, m.last_component, quarter, len(m.months), amount))
    return out

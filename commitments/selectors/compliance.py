"""Compliance as the database computes it: the rules of ``commitments.rules`` as one
``CASE`` expression over ``VerificationEntry`` rows, so that a region's figures are one
grouped query, not a loop over members. ``commitments/tests/test_compliance.py`` holds
:func:`verdict_expression` to the same answers as ``rules.verdict``.

Entry points for the apps and helpers built on verification (consequences per quarter,
the quarterly report):

* :func:`entries_with_verdict` — any entries queryset, annotated with ``verdict``;
* :func:`member_month_verdicts` — ``(household, member, component, month, verdict)`` rows
  of a period for a set of households;
* :func:`compliance_by_component` — counts per component (and optionally per another
  column) of complies / fails / exempt;
* :func:`failing_runs` — members non-compliant in consecutive months.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from commitments import rules as r
from commitments.models import VerificationEntry
from commitments.rules import Rules, Verdict


def _all_true(items: Iterable[str]) -> Q:
    q = Q()
    for item in items:
        q &= Q(**{item: True})
    return q


def _absent(rules: Rules):
    total = Value(0, output_field=IntegerField())
    for name in rules.absences_counted:
        total = total + Coalesce(F(r.ABSENCE_FIELDS[name]), 0)
    return total


def verdict_expression(rules: Rules | None = None) -> Case:
    """``rules.verdict`` for every row, in SQL (``Verdict`` values)."""
    rules = rules or Rules.from_settings()
    education = Q(component_id__in=rules.education_components)
    attended_enough = Q(attended_x100__gte=F("school_days") * Value(rules.attendance_min_percent))
    child = Q(component_id=r.ANAK_USIA_DINI)
    under_five = child & Q(age_months__lt=rules.weighing_max_age_months)
    immunisation_ages = [
        a for a in rules.immunisation_ages_months if 0 <= a < rules.weighing_max_age_months
    ]
    due_immunisation = under_five & Q(age_months__in=immunisation_ages or [-1])
    health_cases = [
        (Q(component_id=r.IBU_HAMIL), rules.ibu_hamil_items),
        (due_immunisation, (*rules.under_five_items, "immunisation_given")),
        (under_five, rules.under_five_items),
        (child, rules.older_child_items),
        (Q(component_id=r.LANSIA), rules.lansia_items),
        (Q(component_id=r.DISABILITAS), rules.disabilitas_items),
    ]
    whens = [
        When(~Q(component_id__in=rules.components), then=Value(Verdict.EXEMPT)),
        When(enrolled=False, then=Value(Verdict.FAILS)),
        When(education & Q(school_days__isnull=True), then=Value(Verdict.FAILS)),
        When(education & Q(school_days=0), then=Value(Verdict.EXEMPT)),
        When(education & attended_enough, then=Value(Verdict.COMPLIES)),
        When(education, then=Value(Verdict.FAILS)),
    ]
    for condition, items in health_cases:
        if not items:
            whens.append(When(condition, then=Value(Verdict.EXEMPT)))
        else:
            whens.append(When(condition & _all_true(items), then=Value(Verdict.COMPLIES)))
            whens.append(When(condition, then=Value(Verdict.FAILS)))
    return Case(*whens, default=Value(Verdict.EXEMPT), output_field=CharField())


def entries_with_verdict(
    qs: QuerySet[VerificationEntry] | None = None, *, rules: Rules | None = None
) -> QuerySet[VerificationEntry]:
    """``qs`` (all entries by default) with ``verdict`` annotated."""
    rules = rules or Rules.from_settings()
    qs = VerificationEntry.objects.all() if qs is None else qs
    return qs.alias(
        attended_x100=(F("school_days") - _absent(rules)) * Value(100),
    ).annotate(verdict=verdict_expression(rules))


def member_month_verdicts(
    *,
    households: QuerySet | Iterable[int],
    start: datetime.date,
    end: datetime.date,
    rules: Rules | None = None,
) -> QuerySet:
    """Rows ``household_id, member_id, component_id, month, verdict`` of the months
    ``start`` .. ``end`` (first days of months, both included) for ``households`` (a
    queryset of households or ids). Months without an entry have no row: the due list
    (``commitments.selectors.due``) says what was due."""
    qs = VerificationEntry.objects.filter(
        household__in=households, month__gte=start, month__lte=end
    )
    return (
        entries_with_verdict(qs, rules=rules)
        .order_by("household_id", "member_id", "month", "component_id")
        .values("household_id", "member_id", "component_id", "month", "verdict")
    )


@dataclass
class Rate:
    complies: int = 0
    fails: int = 0
    exempt: int = 0

    @property
    def judged(self) -> int:
        return self.complies + self.fails

    @property
    def percent(self) -> float | None:
        return 100 * self.complies / self.judged if self.judged else None


def compliance_by_component(
    entries: QuerySet[VerificationEntry], *, by: str | None = None, rules: Rules | None = None
) -> dict:
    """``{component_id: Rate}`` (or ``{(by value, component_id): Rate}``) for ``entries``:
    one grouped query."""
    keys = ["component_id"] if by is None else [by, "component_id"]
    rows = (
        entries_with_verdict(entries.order_by(), rules=rules)
        .values(*keys, "verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    rates: dict = defaultdict(Rate)
    for row in rows:
        key = row["component_id"] if by is None else (row[by], row["component_id"])
        rate = rates[key]
        if row["verdict"] == Verdict.COMPLIES:
            rate.complies += row["n"]
        elif row["verdict"] == Verdict.FAILS:
            rate.fails += row["n"]
        else:
            rate.exempt += row["n"]
    return dict(rates)


RUN_LOOKBACK_MONTHS = 12


@dataclass(frozen=True)
class FailingRun:
    member_id: int
    household_id: int
    months: tuple[datetime.date, ...]  # consecutive months failed, oldest first

    @property
    def last(self) -> datetime.date:
        return self.months[-1]


def failing_runs(
    *,
    households: QuerySet | Iterable[int],
    until: datetime.date,
    length: int,
    rules: Rules | None = None,
) -> list[FailingRun]:
    """Members non-compliant (any component) in ``length`` or more consecutive months,
    the run ending in ``until`` or the month before (a month not yet entered does not
    hide a run that ended just before it); a run is read back at most
    ``RUN_LOOKBACK_MONTHS``. One query; only failing rows are read."""
    start = r.month_add(until, -max(length, RUN_LOOKBACK_MONTHS))
    rows = (
        entries_with_verdict(
            VerificationEntry.objects.filter(
                household__in=households, month__gte=start, month__lte=until
            )
        )
        .filter(verdict=Verdict.FAILS)
        .order_by("member_id", "month")
        .values_list("member_id", "household_id", "month")
        .distinct()
    )
    by_member: dict[int, tuple[int, list[datetime.date]]] = {}
    for member_id, household_id, month in rows:
        by_member.setdefault(member_id, (household_id, []))[1].append(month)
    runs = []
    for member_id, (household_id, months) in by_member.items():
        run = [months[-1]]
        for month in reversed(months[:-1]):
            if r.month_add(month, 1) != run[0]:
                break
            run.insert(0, month)
        if len(run) >= length and run[-1] >= r.month_add(until, -1):
            runs.append(FailingRun(member_id, household_id, tuple(run)))
    return runs

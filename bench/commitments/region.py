"""The region's compliance as the supervisor's month and the quarterly report compute it
(``commitments.selectors.compliance`` / ``consequences`` / ``due``), for the admin whose
area holds every seeded family, each against a same-run baseline: ``COUNT(*)`` of the
same entries through the same scope filter (what reading the rows alone costs)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Measure:
    label: str
    times_ms: list[float]
    queries: int
    baseline: str | None = None  # label of the measure this one is read against
    result: dict = field(default_factory=dict)
    sql: list[str] = field(default_factory=list, repr=False)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "n": len(self.times_ms),
            "median_ms": round(self.median, 1),
            "min_ms": round(min(self.times_ms), 1),
            "max_ms": round(max(self.times_ms), 1),
            "queries": self.queries,
            "baseline": self.baseline,
            "result": self.result,
        }


def measure(label: str, fn, *, repeat: int, baseline: str | None = None) -> Measure:
    """Run ``fn`` once for its queries (captured), then ``repeat`` times timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        value = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return Measure(
        label,
        times,
        len(ctx.captured_queries),
        baseline,
        value if isinstance(value, dict) else {"value": value},
        [q["sql"] for q in ctx.captured_queries],
    )


def _rates(rates: dict) -> dict:
    complies = sum(r.complies for r in rates.values())
    fails = sum(r.fails for r in rates.values())
    exempt = sum(r.exempt for r in rates.values())
    judged = complies + fails
    return {
        "entries": complies + fails + exempt,
        "complies": complies,
        "fails": fails,
        "compliance_pct": round(100 * complies / judged, 2) if judged else None,
    }


def region_measures(*, user, month, quarter, repeat: int, jit: bool = True) -> list[Measure]:
    """Region compliance for one month and one quarter, for ``user`` (an admin).

    ``jit=False`` runs them in a transaction with ``SET LOCAL jit = off``: PostgreSQL's
    default JIT compiles these region-wide statements (cost above ``jit_above_cost``)
    on every run, which can cost more than it saves; the labels end in "(jit off)"."""
    from django.db import connection, transaction

    if not jit:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL jit = off")
            found = region_measures(user=user, month=month, quarter=quarter, repeat=repeat)
        for m in found:
            m.label += " (jit off)"
            m.baseline = m.baseline and m.baseline + " (jit off)"
        return found
    from collections import Counter

    from commitments.models import VerificationEntry
    from commitments.selectors import compliance, consequences, due
    from commitments.selectors.consequences import quarter_months
    from households.selectors import household_scope
    from pkh.scoping import household_scope_q

    scoped = VerificationEntry.objects.filter(household_scope_q(user, "household__"))
    in_month = scoped.filter(month=month)
    months = quarter_months(quarter)
    in_quarter = scoped.filter(month__gte=months[0], month__lte=months[-1])
    families = household_scope(user=user)

    def levels():
        found = consequences.quarter_consequences(households=families, quarter=quarter)
        counts = Counter(c.level.name for c in found.values())
        return {"families_with_a_failed_month": len(found), **dict(sorted(counts.items()))}

    def completeness():
        done = due.completeness_by_facilitator(households=families, month=month)
        d = sum(c.due for c in done.values())
        e = sum(c.entered for c in done.values())
        return {"facilitators": len(done), "due": d, "entered": e}

    m, q = f"{month:%Y-%m}", f"{months[0]:%Y-%m}..{months[-1]:%Y-%m}"
    base_m, base_q = f"baseline: COUNT(*) entries {m}", f"baseline: COUNT(*) entries {q}"
    return [
        measure(base_m, in_month.count, repeat=repeat),
        measure(
            f"compliance by component {m}",
            lambda: _rates(compliance.compliance_by_component(in_month)),
            repeat=repeat,
            baseline=base_m,
        ),
        measure(
            f"compliance by facilitator and component {m}",
            lambda: _rates(
                compliance.compliance_by_component(in_month, by="household__facilitator_id")
            ),
            repeat=repeat,
            baseline=base_m,
        ),
        measure(f"completeness by facilitator {m}", completeness, repeat=repeat, baseline=base_m),
        measure(base_q, in_quarter.count, repeat=repeat),
        measure(
            f"compliance by component {q}",
            lambda: _rates(compliance.compliance_by_component(in_quarter)),
            repeat=repeat,
            baseline=base_q,
        ),
        measure(f"quarter consequences {q}", levels, repeat=repeat, baseline=base_q),
    ]


def report_measures(*, facilitator, quarter, repeat: int) -> list[Measure]:
    """The quarterly report's commitment section (``reports.sections.commitments``) for
    one facilitator's caseload and the quarter starting ``quarter``, against its baseline
    in the same run: the reads every section shares (the caseload and its members as the
    audit trail had them, ``ReportContext``), which the section needs before it starts.
    Each run on a fresh context, in a transaction with the report's plan settings."""
    from django.db import transaction

    from reports.quarters import Quarter
    from reports.sections import ReportContext
    from reports.sections import commitments as section
    from reports.snapshot import _small_query_plans

    q = Quarter.containing(quarter)
    contexts: list[ReportContext] = []

    def shared():
        ctx = ReportContext(facilitator=facilitator, quarter=q)
        ctx.month_members  # noqa: B018 (the cached read is the point)
        contexts.append(ctx)
        return {"families_end": len(ctx.caseload_end)}

    def compute():
        result = section.compute(contexts.pop())
        figures = {f.key: f.value for f in result.figures}
        return {
            k: figures.get(f"commitments.{k}")
            for k in ("due", "entered", "completeness_pct", "compliance_pct")
        }

    with transaction.atomic():
        _small_query_plans()
        base = f"baseline: report's shared reads, {q}"
        shared_m = measure(base, shared, repeat=repeat)
        contexts.clear()  # one fresh context per run of the section (1 + repeat runs)
        for _ in range(1 + repeat):
            shared()
        section_m = measure(
            f"report's commitment section, {q}", compute, repeat=repeat, baseline=base
        )
        contexts.clear()
    return [shared_m, section_m]

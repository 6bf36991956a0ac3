"""Compute one facilitator's report for one quarter: the snapshot stored in ProgressReport.

Read-only. The number of queries is fixed (the sum of the sections' fixed counts plus the
facilitator's supervisor), whatever the size of the caseload.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reports.quarters import Quarter
from reports.sections import ReportContext, sections

SCHEMA_VERSION = 1


def snapshot_build(*, facilitator, quarter: Quarter) -> tuple[dict, dict]:
    """``(snapshot, summary)`` for ``facilitator`` over ``quarter``.

    ``snapshot`` holds every section (figures with label, definition, value, previous
    value and change; tables).
    ``summary`` is the flat ``{figure key: value, figure key + "__prev": previous}``.
    """
    with transaction.atomic(savepoint=False):
        _small_query_plans()
        return _build(facilitator=facilitator, quarter=quarter)


def _small_query_plans() -> None:
    """Every report query reads a few hundred rows through indexes; on PostgreSQL, starting
    parallel workers for them costs more (10-25 ms each) than the work, so turn parallel
    plans off for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _build(*, facilitator, quarter: Quarter) -> tuple[dict, dict]:
    ctx = ReportContext(facilitator=facilitator, quarter=quarter)
    supervisor = facilitator.supervisor  # one query unless already joined
    out_sections, summary = [], {}
    for section in sections():
        result = section.compute(ctx)
        figures = [f.as_dict() for f in result.figures]
        for f in figures:
            summary[f["key"]] = f["value"]
            summary[f["key"] + "__prev"] = f["previous"]
        out_sections.append(
            {
                "key": section.key,
                "title": section.title,
                "figures": figures,
                "tables": [t.as_dict() for t in result.tables],
            }
        )
    snapshot = {
        "schema": SCHEMA_VERSION,
        "quarter": str(quarter),
        "previous_quarter": str(quarter.previous),
        "period": {
            "first_day": quarter.first_day.isoformat(),
            "last_day": quarter.last_day.isoformat(),
            "start": quarter.start.isoformat(),
            "end": quarter.end.isoformat(),
            "time_zone": settings.PKH_REPORT_TIME_ZONE,
        },
        "facilitator": {
            "id": facilitator.pk,
            "username": facilitator.username,
            "name": str(facilitator),
        },
        "supervisor": (
            {"id": supervisor.pk, "name": str(supervisor)} if supervisor is not None else None
        ),
        "computed_at": timezone.now().isoformat(),
        "sections": out_sections,
    }
    return snapshot, summary

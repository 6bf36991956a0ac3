"""Demo data for ``make run``: the demo facilitators' progress reports of the last two
ended quarters, generated in-process (no Celery worker needed), so the report list, the
report page with its charts, the team page and the district page show something at once.

Run by ``seed_demo`` after every other app's seeder (``reports`` is the last app).
Idempotent: a quarter whose demo reports exist is left alone, and the history dating
below runs only while no demo report exists.

A report reads the registry *as it was* during the quarter (the audit trail), and the
other demo seeders record everything "now". So before the first reports are generated,
the demo registry is dated back as a real one would be: families and members recorded
(with their components) a year or more before the first reported quarter, and each aid
row eligible from then on, receiving or proposed from its ``since`` date. Only records
the demo seeders wrote are moved (the demo families' "demo" creation records, and the
aid history of those families written before any demo report existed).
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import Min

from accounts.models import Role, User
from assistance.models import AidEnrolment
from households.demo import FACILITATORS
from households.models import Household, Member
from pkh.sql import chunks
from reports.models import ProgressReport, Trigger
from reports.quarters import Quarter
from reports.services import report_item_generate, report_run_create

DEMO_REASON = "demo"  # households.demo's change reason on the records it creates


def _demo_facilitators() -> list[User]:
    return list(
        User.objects.filter(
            username__in=[f[0] for f in FACILITATORS], role=Role.FACILITATOR, is_active=True
        ).order_by("pk")
    )


def _date_back(*, facilitator_ids: list[int], before: datetime.datetime) -> int:
    """Move the demo registry's creation (and its aid history) to before ``before``.
    Returns how many families were dated back."""
    historical_household = Household.history.model
    historical_member = Member.history.model
    component_history = apps.get_model("households", "HistoricalMember_components")
    created = historical_household.objects.filter(
        facilitator_id__in=facilitator_ids,
        history_type="+",
        history_change_reason=DEMO_REASON,
        history_date__gte=before,
    )
    when = {
        pk: before - datetime.timedelta(days=400 + pk % 300)
        for pk in created.values_list("id", flat=True)
    }
    if not when:
        return 0
    # One UPDATE per distinct moment (at most 300), not four per family.
    for at, pks in _grouped(when).items():
        historical_household.objects.filter(
            id__in=pks, history_type="+", history_change_reason=DEMO_REASON
        ).update(history_date=at)
        Household.objects.filter(pk__in=pks).update(created_at=at)
        historical_member.objects.filter(
            household_id__in=pks, history_type="+", history_change_reason=DEMO_REASON
        ).update(history_date=at)
        Member.objects.filter(household_id__in=pks).update(created_at=at)
    # Components as they were: the demo seeder adds them after the members' creation
    # records, so those records have none.
    first_records = dict(
        historical_member.objects.filter(
            household_id__in=list(when), history_type="+", history_change_reason=DEMO_REASON
        ).values_list("id", "history_id")
    )
    recorded = set(
        component_history.objects.filter(history_id__in=first_records.values()).values_list(
            "history_id", flat=True
        )
    )
    component_history.objects.bulk_create(
        [
            component_history(
                id=row.pk,
                member_id=row.member_id,
                component_id=row.component_id,
                history_id=first_records[row.member_id],
            )
            for row in Member.components.through.objects.filter(member_id__in=first_records)
            if first_records[row.member_id] not in recorded
        ],
        batch_size=1000,
    )
    # Aid rows: eligible from the family's creation, then their current status from
    # ``since`` (or a day later when ``since`` is unknown or earlier).
    aid_history = AidEnrolment.history.model
    since = dict(
        AidEnrolment.objects.filter(household_id__in=list(when)).values_list("pk", "since")
    )
    first_aid = dict(
        aid_history.objects.filter(household_id__in=list(when), history_date__gte=before)
        .values("id")
        .annotate(first=Min("history_id"))
        .values_list("id", "first")
    )
    aid_when = {}
    for history_id, aid_row, household_id in aid_history.objects.filter(
        household_id__in=list(when), history_date__gte=before
    ).values_list("history_id", "id", "household_id"):
        start = when[household_id]
        if history_id == first_aid.get(aid_row):
            at = start
        else:
            day = since.get(aid_row)
            at = start + datetime.timedelta(days=1)
            if day is not None:
                at = max(at, datetime.datetime.combine(day, datetime.time(), tzinfo=before.tzinfo))
        aid_when[history_id] = at
    for at, history_ids in _grouped(aid_when).items():
        for chunk in chunks(history_ids, 500):
            aid_history.objects.filter(history_id__in=chunk).update(history_date=at)
    return len(when)


def _grouped(moments: dict[int, datetime.datetime]) -> dict[datetime.datetime, list[int]]:
    """{id: moment} turned into {moment: [ids]}, so that each moment is one UPDATE."""
    grouped: dict[datetime.datetime, list[int]] = {}
    for pk, at in moments.items():
        grouped.setdefault(at, []).append(pk)
    return grouped


def seed_reports_demo(*, stdout) -> None:
    facilitators = _demo_facilitators()
    if not facilitators:
        return
    last = Quarter.last_ended()
    quarters = [last.previous, last]
    ids = [f.pk for f in facilitators]
    made = 0
    with transaction.atomic():
        dated = 0
        if not ProgressReport.objects.filter(facilitator_id__in=ids).exists():
            dated = _date_back(facilitator_ids=ids, before=quarters[0].previous.start)
        for quarter in quarters:
            done = set(
                ProgressReport.objects.filter(
                    facilitator_id__in=ids, quarter=str(quarter)
                ).values_list("facilitator_id", flat=True)
            )
            missing = [f for f in facilitators if f.pk not in done]
            if not missing:
                continue
            run = report_run_create(
                quarter=quarter,
                facilitators=missing,
                by=None,
                trigger=Trigger.COMMAND,
                enqueue=False,
            )
            for item_id in run.items.order_by("pk").values_list("pk", flat=True):
                if report_item_generate(item_id=item_id) == "done":
                    made += 1
    stdout.write(
        f"reports demo: {dated} families dated back, {made} progress reports generated "
        f"({', '.join(str(q) for q in quarters)})\n"
    )

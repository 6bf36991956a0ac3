"""The complaints section against figures counted here from the test plan (plain Python
over the complaints, not the section's queries), and its quarter boundaries."""

import datetime
import random
import statistics

import pytest

from complaints.models import ComplaintCategory, ComplaintStatus
from reports.quarters import Quarter
from reports.snapshot import snapshot_build
from reports.tests.commitments_complaints import BEFORE, TZ, P, Q, instant, make_complaint
from reports.tests.factories import household_at, move_at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [5, 6])
def test_complaint_figures_match_the_plan(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    categories = list(ComplaintCategory.objects.all())
    assert categories
    families = []  # (household, owner at Q.start, owner at Q.end)
    for owner in [me] * 6 + [other] * 3:
        h = household_at(when=BEFORE, facilitator=owner)
        start_owner = end_owner = owner
        if rng.random() < 0.3:  # moved to the colleague inside the quarter
            to = other if owner == me else me
            move_at(h, to=to, by=me, when=instant(rng, Q.start, Q.end))
            end_owner = to
        families.append((h, start_owner, end_owner))
    plan = []  # (family index, category id, opened, closed, outcome, due_on, escalations)
    for f, (h, _s, _e) in enumerate(families):
        for _ in range(rng.randint(1, 4)):
            category = rng.choice(categories)
            opened = instant(
                rng, P.start - datetime.timedelta(days=40), Q.end + datetime.timedelta(days=20)
            )
            closed = None
            if rng.random() < 0.7:
                closed = opened + datetime.timedelta(
                    days=rng.randint(0, 40), hours=rng.randint(0, 20)
                )
            outcome = rng.choice([ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED])
            due_on = opened.astimezone(TZ).date() + datetime.timedelta(
                days=category.effective_deadline_days
            )
            escalations = []
            first = datetime.datetime.combine(
                due_on + datetime.timedelta(days=1), datetime.time(1), tzinfo=TZ
            )
            if closed is None or closed > first:
                escalations.append(first)
            make_complaint(
                h,
                opened=opened,
                category=category,
                outcome=outcome,
                closed=closed,
                escalations=escalations,
            )
            plan.append((f, category.pk, opened, closed, outcome, due_on, escalations))

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)

    def expected(q: Quarter, owner_index: int) -> dict:
        mine = {f for f, fam in enumerate(families) if fam[owner_index] == me}
        rows = [p for p in plan if p[0] in mine]
        resolved = [
            p for p in rows if p[3] and q.start <= p[3] < q.end and p[4] == ComplaintStatus.RESOLVED
        ]
        open_end = [p for p in rows if p[2] < q.end and (p[3] is None or p[3] >= q.end)]
        days = [(p[3].astimezone(TZ).date() - p[2].astimezone(TZ).date()).days for p in resolved]
        return {
            "complaints.opened": sum(1 for p in rows if q.start <= p[2] < q.end),
            "complaints.resolved": len(resolved),
            "complaints.rejected": sum(
                1
                for p in rows
                if p[3] and q.start <= p[3] < q.end and p[4] == ComplaintStatus.REJECTED
            ),
            "complaints.median_days": round(float(statistics.median(days)), 1) if days else None,
            "complaints.open_end": len(open_end),
            "complaints.overdue_end": sum(1 for p in open_end if p[5] <= q.last_day),
            "complaints.escalated": sum(
                1 for p in rows if any(q.start <= at < q.end for at in p[6])
            ),
        }

    want = expected(Q, 2)
    assert {k: summary[k] for k in want} == want
    assert {k: summary[k + "__prev"] for k in want} == expected(P, 1)
    assert want["complaints.opened"] + want["complaints.open_end"] > 0
    table = next(
        t for s in snapshot["sections"] for t in s["tables"] if t["key"] == "complaints.by_category"
    )
    assert sum(row[1] for row in table["rows"]) == want["complaints.opened"]
    assert sum(row[4] for row in table["rows"]) == want["complaints.overdue_end"]
    assert sum(row[6] for row in table["rows"]) == expected(P, 1)["complaints.opened"]


def test_complaint_quarter_boundaries(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me)
    category = ComplaintCategory.objects.first()
    days = category.effective_deadline_days
    second = datetime.timedelta(seconds=1)

    def opened_due(due_on):
        # Opened so that the deadline falls on ``due_on``.
        day = due_on - datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)

    # Due on the quarter's last day, still open: overdue at the end.
    make_complaint(
        h,
        opened=opened_due(Q.last_day),
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    # Due on the next quarter's first day: open at the end, not overdue.
    make_complaint(
        h,
        opened=opened_due(Q.end.date()),
        category=category,
        outcome=None,
        closed=None,
        escalations=[],
    )
    # Resolved at the first instant of the next quarter: open at the end, resolved later.
    make_complaint(
        h,
        opened=Q.start,
        category=category,
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.end,
        escalations=[],
    )
    # Resolved at the last instant of the quarter: resolved in it, on the 91st day.
    make_complaint(
        h,
        opened=Q.start,
        category=category,
        outcome=ComplaintStatus.RESOLVED,
        closed=Q.end - second,
        escalations=[],
    )
    # Opened at the first instant of the next quarter: not in this report at all.
    make_complaint(
        h,
        opened=Q.end,
        category=category,
        outcome=None,
        closed=None,
        escalations=[Q.end + datetime.timedelta(days=30)],
    )

    _, summary = snapshot_build(facilitator=me, quarter=Q)
    assert summary["complaints.opened"] == 4
    assert summary["complaints.open_end"] == 3
    assert summary["complaints.overdue_end"] == 2  # the first, and the one closed at Q.end
    assert summary["complaints.resolved"] == 1
    assert summary["complaints.median_days"] == (Q.last_day - Q.first_day).days
    assert summary["complaints.escalated"] == 0

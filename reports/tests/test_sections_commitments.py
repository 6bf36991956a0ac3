"""The commitment-verification section against figures counted here from the test plan
(plain Python over the entries, not the section's queries): due, entered and compliance,
the tables by component and month, the consequences, and a member leaving mid-quarter."""

import datetime
import random
from collections import Counter

import pytest

from commitments.models import SanctionKind, SanctionStatus
from households.models import BenefitRate, Component, HouseholdStatus
from reports.quarters import Quarter
from reports.snapshot import snapshot_build
from reports.tests.commitments_complaints import (
    BEFORE,
    COMPONENTS,
    EDUCATION,
    TZ,
    P,
    Q,
    entry,
    instant,
    month_end,
    proposal,
    quarter_months,
)
from reports.tests.factories import components_at, household_at, member_leave_at, move_at, status_at

pytestmark = pytest.mark.django_db


class Family:
    def __init__(self, rng, owner: int):
        self.owner = owner
        self.components = rng.sample(COMPONENTS, rng.randint(1, 2))
        late = Q.end + datetime.timedelta(days=30)
        self.move = instant(rng, P.start, late) if rng.random() < 0.3 else None
        self.exit = instant(rng, P.start, late) if rng.random() < 0.15 else None
        self.leave = (
            (instant(rng, P.start, late), rng.randrange(len(self.components)))
            if rng.random() < 0.25
            else None
        )
        self.upgrade = (
            instant(rng, P.start, late) if "SD" in self.components and rng.random() < 0.5 else None
        )

    def owner_at(self, t) -> int:
        return 1 - self.owner if self.move and self.move < t else self.owner

    def in_programme_at(self, t) -> bool:
        return not (self.exit and self.exit < t)

    def due(self, month) -> list[tuple[int, str]]:
        """(member index, component) due in ``month`` by the plan."""
        end, out = month_end(month), []
        for i, code in enumerate(self.components):
            if self.leave and self.leave[1] == i and self.leave[0].date() < month:
                continue
            if code == "SD" and self.upgrade and self.upgrade < end:
                code = "SMP"
            out.append((i, code))
        return out


@pytest.mark.parametrize("seed", [3, 4])
def test_commitment_figures_match_the_plan(pair, seed):
    rng = random.Random(seed)
    facilitators = list(pair)
    me = facilitators[0]
    plans = [Family(rng, 0) for _ in range(9)] + [Family(rng, 1) for _ in range(4)]
    entries = []  # (family index, member index, component, month, outcome)
    households = []
    for f_index, plan in enumerate(plans):
        h = household_at(
            when=BEFORE, facilitator=facilitators[plan.owner], components=plan.components
        )
        members = h.test_members[1:]
        events = []
        if plan.move:
            events.append((plan.move, "move"))
        if plan.exit:
            events.append((plan.exit, "exit"))
        if plan.leave:
            events.append((plan.leave[0], "leave"))
        if plan.upgrade:
            events.append((plan.upgrade, "upgrade"))
        for when, kind in sorted(events):
            if kind == "move":
                move_at(h, to=facilitators[1 - plan.owner], by=me, when=when)
            elif kind == "exit":
                status_at(h, status=HouseholdStatus.EXITED, when=when)
            elif kind == "leave":
                member_leave_at(members[plan.leave[1]], when=when)
            else:
                components_at(members[plan.components.index("SD")], codes=["SMP"], when=when)
        for month in quarter_months(P) + quarter_months(Q):
            for i, code in plan.due(month):
                if rng.random() < 0.25:
                    continue  # not entered
                outcomes = ["complies", "fails"] + (["exempt"] if code in EDUCATION else [])
                outcome = rng.choice(outcomes)
                entry(members[i], h, component=code, month=month, outcome=outcome, by=me)
                entries.append((f_index, i, code, month, outcome))
        households.append(h)
    # A month entered for a component the member no longer held at the month's end (the
    # due list keeps what was entered): counted as due and entered.
    h0 = plans[0]
    extra = (0, 0, "LANSIA", quarter_months(Q)[0], "complies")
    if (0, "LANSIA") not in h0.due(quarter_months(Q)[0]):
        entry(
            households[0].test_members[1],
            households[0],
            component="LANSIA",
            month=quarter_months(Q)[0],
            outcome="complies",
            by=me,
        )
        entries.append(extra)

    _, summary = snapshot_build(facilitator=me, quarter=Q)

    def expected(q: Quarter) -> dict:
        mine = {
            i for i, p in enumerate(plans) if p.owner_at(q.end) == 0 and p.in_programme_at(q.end)
        }
        due, entered, verdicts, failing, failing_months = 0, 0, Counter(), set(), {}
        for month in quarter_months(q):
            here = {(f, i, code) for f in mine for i, code in plans[f].due(month)}
            typed = {(f, i, code) for f, i, code, m, _ in entries if m == month and f in mine}
            due += len(here | typed)
            entered += len(typed)
        for f, i, _code, m, outcome in entries:
            if f in mine and m in quarter_months(q):
                verdicts[outcome] += 1
                if outcome == "fails":
                    failing.add(f)
                    failing_months.setdefault((f, i), set()).add(m)
        judged = verdicts["complies"] + verdicts["fails"]
        return {
            "commitments.due": due,
            "commitments.entered": entered,
            "commitments.completeness_pct": round(100 * entered / due, 1) if due else None,
            "commitments.complies": verdicts["complies"],
            "commitments.judged": judged,
            "commitments.compliance_pct": round(100 * verdicts["complies"] / judged, 1)
            if judged
            else None,
            "commitments.families_noncompliant": len(failing),
            "commitments.members_noncompliant_quarter": sum(
                1 for ms in failing_months.values() if len(ms) == 3
            ),
        }

    got = {k: summary[k] for k in expected(Q)}
    assert got == expected(Q)
    assert {k: summary[k + "__prev"] for k in expected(P)} == expected(P)
    assert expected(Q)["commitments.due"] > 0 and expected(Q)["commitments.judged"] > 0
    # Consequences from the same entries (defaults: warning 1 month, reduction 2 months of
    # one member, 10 % of a quarter of the 2025 rate of the last failed component).
    rates = dict(BenefitRate.objects.filter(year=2025).values_list("component_id", "amount"))

    def consequences(q: Quarter) -> dict:
        mine = {
            i for i, p in enumerate(plans) if p.owner_at(q.end) == 0 and p.in_programme_at(q.end)
        }
        failed: dict[tuple[int, int], dict] = {}
        for f, i, code, m, outcome in entries:
            if f in mine and m in quarter_months(q) and outcome == "fails":
                failed.setdefault((f, i), {})[m] = code
        reduced = {k: v for k, v in failed.items() if len(v) >= 2}
        return {
            "commitments.warnings": len({f for f, _ in failed}),
            "commitments.reductions": len({f for f, _ in reduced}),
            "commitments.reduction_amount": sum(
                round(rates[v[max(v)]] * 10 / 400) for v in reduced.values()
            ),
            "commitments.suspensions_proposed": 0,
            "commitments.cancellations_confirmed": 0,
        }

    assert {k: summary[k] for k in consequences(Q)} == consequences(Q)
    assert {k: summary[k + "__prev"] for k in consequences(P)} == consequences(P)


def test_commitments_by_component_and_month_tables(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = h.test_members[1:]
    april, may, june = quarter_months(Q)
    entry(child, h, component="SD", month=april, outcome="complies", by=me)
    entry(child, h, component="SD", month=may, outcome="fails", by=me)
    entry(child, h, component="SD", month=june, outcome="exempt", by=me)
    entry(elder, h, component="LANSIA", month=april, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=may, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=june, outcome="fails", by=me)
    entry(elder, h, component="LANSIA", month=quarter_months(P)[2], outcome="complies", by=me)

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)
    tables = {t["key"]: t for s in snapshot["sections"] for t in s["tables"]}
    rows = {row[0]: row[1:] for row in tables["commitments.by_component"]["rows"]}
    names = dict(Component.objects.values_list("code", "name"))
    assert rows[names["SD"]] == [1, 1, 1, 50.0, None]
    lansia = names["LANSIA"]
    assert rows[lansia] == [0, 3, 0, 0.0, 100.0]
    months = {row[0]: row[1:] for row in tables["commitments.by_month"]["rows"]}
    assert months["2026-04"] == [2, 2, 100.0]
    assert months["2026-03"] == [2, 1, 50.0]
    assert summary["commitments.members_noncompliant_quarter"] == 1  # the elder, not the child
    assert summary["commitments.families_noncompliant"] == 1


def test_consequences_counted_by_hand(pair):
    me, other = pair
    april, may, june = quarter_months(Q)
    day = datetime.timedelta(days=1)
    # A: the child fails April and May (a reduction: 10 % of a quarter of SD's 900 000 =
    # 22 500), the elder June: three family months (a warning too).
    a = household_at(when=BEFORE, facilitator=me, components=["SD", "LANSIA"])
    child, elder = a.test_members[1:]
    entry(child, a, component="SD", month=april, outcome="fails", by=me)
    entry(child, a, component="SD", month=may, outcome="fails", by=me)
    entry(child, a, component="SD", month=june, outcome="complies", by=me)
    entry(elder, a, component="LANSIA", month=june, outcome="fails", by=me)
    # B: the elder fails April and June (a reduction on LANSIA's 2 400 000: 60 000).
    b = household_at(when=BEFORE, facilitator=me, components=["LANSIA"])
    entry(b.test_members[1], b, component="LANSIA", month=april, outcome="fails", by=me)
    entry(b.test_members[1], b, component="LANSIA", month=june, outcome="fails", by=me)
    # C: one month failed (a warning only); D: complies; E: the colleague's, fails twice.
    c = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(c.test_members[1], c, component="SD", month=may, outcome="fails", by=me)
    d = household_at(when=BEFORE, facilitator=me, components=["SD"])
    entry(d.test_members[1], d, component="SD", month=may, outcome="complies", by=me)
    e = household_at(when=BEFORE, facilitator=other, components=["SD"])
    for month in (april, may):
        entry(e.test_members[1], e, component="SD", month=month, outcome="fails", by=other)
    # The previous quarter: C's child failed March only.
    entry(c.test_members[1], c, component="SD", month=quarter_months(P)[2], outcome="fails", by=me)

    confirmed = SanctionStatus.CONFIRMED
    # Proposed in P, confirmed in Q: confirmed in Q, proposed in P.
    proposal(
        a,
        kind=SanctionKind.SUSPENSION,
        proposed_at=Q.start - day,
        status=confirmed,
        decided_at=Q.start + day,
    )
    # Proposed and returned in Q: proposed, never confirmed.
    proposal(
        b,
        kind=SanctionKind.SUSPENSION,
        proposed_at=Q.start + day,
        status=SanctionStatus.RETURNED,
        decided_at=Q.start + 2 * day,
    )
    # Cancellation proposed and confirmed in Q: the family exits, still counted.
    proposal(
        c,
        kind=SanctionKind.CANCELLATION,
        proposed_at=Q.start + 3 * day,
        status=confirmed,
        decided_at=Q.end - datetime.timedelta(seconds=1),
    )
    status_at(c, status=HouseholdStatus.EXITED, when=Q.end - datetime.timedelta(seconds=1))
    # Proposed at the last instant, confirmed at the first of the next quarter.
    proposal(
        d,
        kind=SanctionKind.CANCELLATION,
        proposed_at=Q.end - datetime.timedelta(seconds=1),
        status=confirmed,
        decided_at=Q.end,
    )
    # Proposed at the first instant of the next quarter: not in it; the colleague's: not ours.
    proposal(b, kind=SanctionKind.SUSPENSION, proposed_at=Q.end)
    proposal(e, kind=SanctionKind.SUSPENSION, proposed_at=Q.start + day)

    _, summary = snapshot_build(facilitator=me, quarter=Q)
    got = {
        k: (summary[f"commitments.{k}"], summary[f"commitments.{k}__prev"])
        for k in [
            "warnings",
            "reductions",
            "reduction_amount",
            "suspensions_proposed",
            "suspensions_confirmed",
            "cancellations_proposed",
            "cancellations_confirmed",
        ]
    }
    # C exited by the end of Q: out of Q's warnings (not in the programme), in P's.
    assert got == {
        "warnings": (2, 1),
        "reductions": (2, 0),
        "reduction_amount": (22_500 + 60_000, 0),
        "suspensions_proposed": (1, 1),
        "suspensions_confirmed": (1, 0),
        "cancellations_proposed": (2, 0),
        "cancellations_confirmed": (1, 0),
    }
    _, theirs = snapshot_build(facilitator=other, quarter=Q)
    assert theirs["commitments.suspensions_proposed"] == 1
    assert theirs["commitments.reductions"] == 1


def test_a_member_who_leaves_on_the_first_of_a_month_is_due_that_month(pair):
    me, _other = pair
    h = household_at(when=BEFORE, facilitator=me, components=["SD", "SD"])
    first, second = h.test_members[1:]
    april, may, june = quarter_months(Q)
    member_leave_at(first, when=datetime.datetime.combine(may, datetime.time(8), tzinfo=TZ))
    last_of_may = datetime.datetime.combine(
        june - datetime.timedelta(days=1), datetime.time(8), tzinfo=TZ
    )
    member_leave_at(second, when=last_of_may)
    snapshot, _ = snapshot_build(facilitator=me, quarter=Q)
    months = {
        row[0]: row[1]
        for s in snapshot["sections"]
        for t in s["tables"]
        if t["key"] == "commitments.by_month"
        for row in t["rows"]
    }
    # April: both; May: both (one left on 1 May, the other on 31 May); June: neither.
    assert [months["2026-04"], months["2026-05"], months["2026-06"]] == [2, 2, 0]

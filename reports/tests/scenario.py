"""A random but reproducible quarter of field work, and its expected report figures
computed independently, in plain Python from the list of events (not with reports code).

Events happen before, inside and after the quarter (after: to prove that a report shows
the quarter "as it was", not as it is now).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from households.models import HouseholdStatus
from reports.quarters import Quarter
from reports.tests.factories import (
    components_at,
    household_at,
    member_leave_at,
    move_at,
    status_at,
    visit_on,
)

COMPONENTS = ["SD", "SMP", "ANAK_USIA_DINI", "LANSIA"]


@dataclass
class Plan:
    created: datetime.datetime
    facilitator: int  # index into facilitators
    components: list[str]
    moves: list[tuple[datetime.datetime, int]] = field(default_factory=list)
    status: tuple[datetime.datetime, str] | None = None
    leave: tuple[datetime.datetime, int] | None = None  # member index (into components)
    upgrade: tuple[datetime.datetime, int] | None = None  # SD -> SMP for a member
    visits: list[datetime.date] = field(default_factory=list)

    def facilitator_at(self, t: datetime.datetime) -> int:
        current = self.facilitator
        for when, to in self.moves:
            if when < t:
                current = to
        return current

    def status_at(self, t: datetime.datetime) -> str:
        if self.status and self.status[0] < t:
            return self.status[1]
        return HouseholdStatus.ACTIVE

    def components_at(self, t: datetime.datetime) -> list[str]:
        out = []
        for i, code in enumerate(self.components):
            if self.leave and self.leave[1] == i and self.leave[0] < t:
                continue
            if self.upgrade and self.upgrade[1] == i and self.upgrade[0] < t:
                code = "SMP"
            out.append(code)
        return out


def _instant(rng: random.Random, start: datetime.datetime, end: datetime.datetime):
    seconds = int((end - start).total_seconds())
    return start + datetime.timedelta(seconds=rng.randrange(1, seconds - 1))


def plan(*, quarter: Quarter, n_facilitators: int, n_households: int, seed: int) -> list[Plan]:
    rng = random.Random(seed)
    prev = quarter.previous
    early = prev.start - datetime.timedelta(days=90)
    late = quarter.end + datetime.timedelta(days=30)
    plans = []
    for _ in range(n_households):
        created = _instant(rng, early, quarter.end - datetime.timedelta(days=2))
        p = Plan(
            created=created,
            facilitator=rng.randrange(n_facilitators),
            components=rng.sample(COMPONENTS, rng.randint(0, 3)),
        )
        if rng.random() < 0.3 and n_facilitators > 1:
            others = [i for i in range(n_facilitators) if i != p.facilitator]
            p.moves.append((_instant(rng, created, late), rng.choice(others)))
        if rng.random() < 0.3:
            status = rng.choice(
                [HouseholdStatus.GRADUATED, HouseholdStatus.SUSPENDED, HouseholdStatus.EXITED]
            )
            p.status = (_instant(rng, created, late), status)
        if p.components and rng.random() < 0.25:
            p.leave = (_instant(rng, created, late), rng.randrange(len(p.components)))
        if "SD" in p.components and rng.random() < 0.5:
            p.upgrade = (_instant(rng, created, late), p.components.index("SD"))
        first = max(created.astimezone(quarter.start.tzinfo).date(), prev.first_day)
        last = quarter.last_day + datetime.timedelta(days=20)
        span = (last - first).days
        if span > 0:
            p.visits = sorted(
                first + datetime.timedelta(days=rng.randrange(span + 1))
                for _ in range(rng.randint(0, 4))
            )
        plans.append(p)
    return plans


def apply(plans: list[Plan], *, facilitators: list, admin) -> list:
    """Write the plans into the database, each change at its own instant."""
    households = []
    for p in plans:
        h = household_at(
            when=p.created, facilitator=facilitators[p.facilitator], components=p.components
        )
        members = h.test_members[1:]  # one per component, in order
        events = []
        for when, to in p.moves:
            events.append((when, "move", to))
        if p.status:
            events.append((p.status[0], "status", p.status[1]))
        if p.leave:
            events.append((p.leave[0], "leave", p.leave[1]))
        if p.upgrade:
            events.append((p.upgrade[0], "upgrade", p.upgrade[1]))
        for when, kind, arg in sorted(events, key=lambda e: e[0]):
            if kind == "move":
                move_at(h, to=facilitators[arg], by=admin, when=when)
            elif kind == "status":
                status_at(h, status=arg, when=when)
            elif kind == "leave":
                member_leave_at(members[arg], when=when)
            else:
                components_at(members[arg], codes=["SMP"], when=when)
        for day in p.visits:
            at = datetime.datetime.combine(day, datetime.time(10), tzinfo=p.created.tzinfo)
            visit_on(h, day=day, facilitator=facilitators[p.facilitator_at(at)])
        households.append(h)
    return households


def expected(plans: list[Plan], *, facilitator: int, quarter: Quarter) -> dict:
    """The report's summary figures for one facilitator, from the plans alone."""
    prev = quarter.previous
    tz = quarter.start.tzinfo
    in_programme = (HouseholdStatus.ACTIVE, HouseholdStatus.SUSPENDED)

    def caseload(t):
        return [p for p in plans if p.created < t and p.facilitator_at(t) == facilitator]

    def visit_facilitator(p, day):
        return p.facilitator_at(datetime.datetime.combine(day, datetime.time(10), tzinfo=tz))

    def visits(q):
        return [
            (p, d)
            for p in plans
            for d in p.visits
            if q.first_day <= d <= q.last_day and visit_facilitator(p, d) == facilitator
        ]

    def not_visited(t, q):
        active = [p for p in caseload(t) if p.status_at(t) == HouseholdStatus.ACTIVE]
        missed = [p for p in active if not any(q.first_day <= d <= q.last_day for d in p.visits)]
        return len(missed), len(active)

    def components(t):
        return sum(len(p.components_at(t)) for p in caseload(t) if p.status_at(t) in in_programme)

    def moved(q, *, into):
        out = set()
        for i, p in enumerate(plans):
            before = p.facilitator
            for when, to in p.moves:
                moved_here = to == facilitator if into else before == facilitator
                if q.start <= when < q.end and to != before and moved_here:
                    out.add(i)
                before = to
        return len(out)

    def added(q):
        return sum(1 for p in caseload(q.end) if q.start <= p.created < q.end)

    def typed_exits(q, status=None):
        """Status changes to graduated/exited, written as an admin's edit of the family
        (no Graduation row), dated in ``q``, while the family was this facilitator's."""
        return sum(
            1
            for p in plans
            if p.status
            and p.status[1] in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED)
            and (status is None or p.status[1] == status)
            and q.first_day <= p.status[0].astimezone(tz).date() <= q.last_day
            and p.facilitator_at(p.status[0]) == facilitator
        )

    end, start = quarter.end, quarter.start
    nv, active_end = not_visited(end, quarter)
    nv_prev, active_start = not_visited(start, prev)
    cur_visits, prev_visits = visits(quarter), visits(prev)
    return {
        "caseload.total_end": len(caseload(end)),
        "caseload.total_end__prev": len(caseload(start)),
        "caseload.active_end": active_end,
        "caseload.active_end__prev": active_start,
        "caseload.components_end": components(end),
        "caseload.components_end__prev": components(start),
        "visits.made": len(cur_visits),
        "visits.made__prev": len(prev_visits),
        "visits.households_visited": len({id(p) for p, _ in cur_visits}),
        "visits.households_visited__prev": len({id(p) for p, _ in prev_visits}),
        "visits.not_visited": nv,
        "visits.not_visited__prev": nv_prev,
        "roster.added": added(quarter),
        "roster.added__prev": added(prev),
        "roster.moved_in": moved(quarter, into=True),
        "roster.moved_in__prev": moved(prev, into=True),
        "roster.moved_out": moved(quarter, into=False),
        "roster.moved_out__prev": moved(prev, into=False),
        # status_at() writes graduations as self-graduations, exits without an exit type.
        "graduation.self_approved": typed_exits(quarter, HouseholdStatus.GRADUATED),
        "graduation.self_approved__prev": typed_exits(prev, HouseholdStatus.GRADUATED),
        "graduation.other_exits": typed_exits(quarter, HouseholdStatus.EXITED),
        "graduation.other_exits__prev": typed_exits(prev, HouseholdStatus.EXITED),
        "graduation.natural": 0,
        "graduation.typed_exits": typed_exits(quarter),
        "graduation.typed_exits__prev": typed_exits(prev),
        "roster.added_import": 0,
        "roster.added_typed": added(quarter),
        "by_status_end": Counter(p.status_at(end) for p in caseload(end)),
    }

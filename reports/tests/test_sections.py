"""The graduation, FDS and aid sections against figures counted independently here from
the test data (plain Python over the plan, not the sections' queries)."""

import datetime
import random
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance.models import AidEnrolment, AidStatus, CaseKind, CaseStatus
from assistance.tests.factories import CaseFactory
from fds_sessions.models import AttendanceStatus, FdsSession, SessionStatus
from fds_sessions.selectors.figures import modules_completed
from fds_sessions.tests.factories import GroupFactory, add_families, curriculum, held_session
from graduation.models import (
    Graduation,
    GraduationProposal,
    GraduationSource,
    PipelineEntry,
    ProposalStatus,
    QuarterlyTarget,
    Stage,
)
from graduation.tests.factories import assess, ensure_default_form
from households.models import ExitType, HouseholdStatus
from reports.quarters import Quarter
from reports.snapshot import snapshot_build
from reports.tests.factories import household_at, member_leave_at, status_at

pytestmark = pytest.mark.django_db

Q = Quarter(2026, 2)
P = Q.previous
BEFORE = Q.start - datetime.timedelta(days=200)  # families exist long before both quarters


def _section(snapshot, key):
    return next(s for s in snapshot["sections"] if s["key"] == key)


def _table(snapshot, key):
    return next(t for s in snapshot["sections"] for t in s.get("tables", []) if t["key"] == key)


def _day(rng, first, last):
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


# --- graduation --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_graduation_figures_match_the_data(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    families = [household_at(when=BEFORE, facilitator=me) for _ in range(12)]
    others = [household_at(when=BEFORE, facilitator=other) for _ in range(3)]
    windows = [
        (P.first_day - datetime.timedelta(days=60), P.first_day - datetime.timedelta(days=1)),
        (P.first_day, P.last_day),
        (Q.first_day, Q.last_day),
        (Q.last_day + datetime.timedelta(days=1), Q.last_day + datetime.timedelta(days=40)),
    ]
    plan = []  # (facilitator, exit type, date)
    for h in families + others:
        who = h.facilitator
        exit_type = rng.choice(list(ExitType.values))
        day = _day(rng, *rng.choice(windows))
        Graduation.objects.create(
            household=h,
            exit_type=exit_type,
            date=day,
            source=GraduationSource.PROPOSAL,
            facilitator=who,
            recorded_by=who,
        )
        plan.append((who, exit_type, day))
    # A graduation counted for the facilitator at the time, although the family moved since.
    moved = household_at(when=BEFORE, facilitator=other)
    Graduation.objects.create(
        household=moved,
        exit_type=ExitType.GRADUASI_MANDIRI,
        date=Q.first_day + datetime.timedelta(days=3),
        source=GraduationSource.PROPOSAL,
        facilitator=me,
        recorded_by=me,
    )
    plan.append((me, ExitType.GRADUASI_MANDIRI, Q.first_day + datetime.timedelta(days=3)))
    QuarterlyTarget.objects.create(
        facilitator=me, year=Q.year, quarter=Q.number, target=5, set_by=me.supervisor
    )
    QuarterlyTarget.objects.create(
        facilitator=other, year=P.year, quarter=P.number, target=9, set_by=me.supervisor
    )
    stages = {}
    for h in families[:8] + others:
        stage = rng.choice(list(Stage.values))
        PipelineEntry.objects.create(
            household=h, stage=stage, stage_since=Q.first_day, created_by=h.facilitator
        )
        if h.facilitator == me:
            stages[stage] = stages.get(stage, 0) + 1

    _, summary = snapshot_build(facilitator=me, quarter=Q)

    def count(quarter, kinds=None, exclude=()):
        return sum(
            1
            for who, kind, day in plan
            if who == me
            and quarter.first_day <= day <= quarter.last_day
            and (kinds is None or kind in kinds)
            and kind not in exclude
        )

    own, natural = ExitType.GRADUASI_MANDIRI, ExitType.GRADUASI_ALAMIAH
    yearly = settings.PKH_GRADUATION_YEARLY_TARGET
    default_prev = yearly // 4 + (1 if P.number <= yearly % 4 else 0)
    want = {
        "graduation.self_approved": count(Q, {own}),
        "graduation.self_approved__prev": count(P, {own}),
        "graduation.natural": count(Q, {natural}),
        "graduation.natural__prev": count(P, {natural}),
        "graduation.other_exits": count(Q, exclude={own, natural}),
        "graduation.other_exits__prev": count(P, exclude={own, natural}),
        "graduation.target": 5,
        "graduation.target__prev": default_prev,  # no row for the previous quarter
        "graduation.behind_target": max(5 - count(Q, {own}), 0),
        "graduation.behind_target__prev": max(default_prev - count(P, {own}), 0),
        "graduation.pipeline_total": sum(stages.values()),
    }
    assert {k: summary[k] for k in want} == want
    snapshot, _ = snapshot_build(facilitator=me, quarter=Q)
    rows = _table(snapshot, "graduation.pipeline")["rows"]
    assert [r[1] for r in rows] == [stages.get(s, 0) for s in Stage.values]


def test_proposals_submitted_in_the_quarter(pair):
    me, other = pair
    ensure_default_form()
    families = [household_at(when=BEFORE, facilitator=me) for _ in range(4)]
    stranger = household_at(when=BEFORE, facilitator=other)
    days = [Q.start + datetime.timedelta(days=5), Q.start + datetime.timedelta(days=50)]
    days += [P.start + datetime.timedelta(days=7), Q.end + datetime.timedelta(days=2)]
    for h, when in [*zip(families, days, strict=True), (stranger, days[0])]:
        proposal = GraduationProposal.objects.create(
            household=h,
            assessment=assess(h, by=h.facilitator),
            reason="Usaha warung stabil",
            statement="graduation/surat.pdf",
            statement_content_type="application/pdf",
            status=ProposalStatus.PENDING,
            submitted_by=h.facilitator,
        )
        GraduationProposal.objects.filter(pk=proposal.pk).update(submitted_at=when)
    _, summary = snapshot_build(facilitator=me, quarter=Q)
    assert (summary["graduation.proposed"], summary["graduation.proposed__prev"]) == (2, 1)


def test_team_default_sort_puts_the_most_behind_first(pair):
    from reports.selectors import TeamRow, team_sort

    me, other = pair
    rows = [
        TeamRow(me, 1, {"graduation.behind_target": 1}),
        TeamRow(other, 2, {"graduation.behind_target": 4}),
    ]
    assert [r.facilitator for r in team_sort(rows)] == [other, me]


# --- FDS ---------------------------------------------------------------------------------

STATUSES = list(AttendanceStatus.values)


@pytest.mark.parametrize("seed", [1, 2])
def test_fds_figures_match_the_data(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    g1 = GroupFactory(facilitator=me, name="Anggrek")
    g2 = GroupFactory(facilitator=me, name="Mawar")
    g3 = GroupFactory(facilitator=other, name="Kenanga")
    members = {g.pk: add_families(g, n) for g, n in [(g1, 4), (g2, 3), (g3, 2)]}
    lessons = curriculum()
    module = lessons[0].module
    module_lessons = [ms for ms in lessons if ms.module_id == module.pk]
    sizes = Counter(ms.module_id for ms in lessons)
    # Filler meetings repeat one lesson of another module of several lessons: they never
    # complete a module.
    filler = next(ms for ms in lessons if ms.module_id != module.pk and sizes[ms.module_id] > 1)
    # g1 finishes the first module in Q, g2 in P; g3 (someone else's group) in Q.
    plan = {}  # group pk -> [(date, module session, {household: status})]
    for group, finish in [(g1, Q), (g2, P), (g3, Q)]:
        dates = {
            P: sorted({_day(rng, P.first_day, P.last_day) for _ in range(3)}),
            Q: sorted({_day(rng, Q.first_day, Q.last_day) for _ in range(4)}),
        }
        sessions = []
        for quarter in (P, Q):
            days = dates[quarter]
            if quarter == finish:  # the module's lessons, in order, on this quarter's dates
                pairs = [(days[min(i, len(days) - 1)], ms) for i, ms in enumerate(module_lessons)]
                pairs += [(day, filler) for day in days[len(module_lessons) :]]
            else:
                pairs = [(day, filler) for day in days]
            for day, lesson in pairs:
                statuses = {h.pk: rng.choice(STATUSES) for h in members[group.pk]}
                sessions.append((day, lesson, statuses))
        outside = Q.last_day + datetime.timedelta(days=5)
        sessions.append((outside, filler, {h.pk: "absent" for h in members[group.pk]}))
        for day, lesson, statuses in sessions:
            held_session(group, day, statuses, module_session=lesson)
        # A planned meeting does not count.
        FdsSession.objects.create(
            group=group,
            date=Q.first_day + datetime.timedelta(days=1),
            module_session=filler,
            status=SessionStatus.PLANNED,
            created_by=me,
        )
        plan[group.pk] = sessions

    snapshot, summary = snapshot_build(facilitator=me, quarter=Q)

    def in_q(day, quarter):
        return quarter.first_day <= day <= quarter.last_day

    def held(group, quarter):
        return sum(1 for day, _, _ in plan[group.pk] if in_q(day, quarter))

    def attendance(quarter):
        rows = [
            s
            for g in (g1, g2)
            for day, _, statuses in plan[g.pk]
            if in_q(day, quarter)
            for s in statuses.values()
        ]
        return sum(s == "present" for s in rows), len(rows)

    def absent_twice(quarter):
        found = 0
        for g in (g1, g2):
            for h in members[g.pk]:
                seq = [
                    statuses[h.pk]
                    for day, _, statuses in sorted(plan[g.pk], key=lambda s: s[0])
                    if in_q(day, quarter)
                ]
                found += any(a == b == "absent" for a, b in zip(seq, seq[1:], strict=False))
        return found

    def pct(present, total):
        return round(100 * present / total, 1) if total else None

    present, total = attendance(Q)
    present_prev, total_prev = attendance(P)
    want = {
        "fds.sessions_held": held(g1, Q) + held(g2, Q),
        "fds.sessions_held__prev": held(g1, P) + held(g2, P),
        "fds.attendance_present": present,
        "fds.attendance_expected": total,
        "fds.attendance_pct": pct(present, total),
        "fds.attendance_pct__prev": pct(present_prev, total_prev),
        "fds.modules_covered": 1,  # g1
        "fds.modules_covered__prev": 1,  # g2
        "fds.repeated_absence": absent_twice(Q),
        "fds.repeated_absence__prev": absent_twice(P),
        "fds.groups_without_session": 0,
    }
    assert {k: summary[k] for k in want} == want
    # Same completion as the fds_sessions selector, read at both quarter ends.
    done_q = modules_completed(user=me, group_ids=[g1.pk, g2.pk], until=Q.last_day)
    done_p = modules_completed(user=me, group_ids=[g1.pk, g2.pk], until=P.last_day)
    assert module in done_q[g1.pk] and module not in done_p.get(g1.pk, [])
    assert module in done_p[g2.pk]
    rows = _table(snapshot, "fds.by_group")["rows"]
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [
        ("Anggrek", held(g1, Q), held(g1, P), 1),
        ("Mawar", held(g2, Q), held(g2, P), 0),
    ]


def test_a_group_without_meetings_is_counted(pair):
    me, _ = pair
    group = GroupFactory(facilitator=me)
    add_families(group, 2)
    _, summary = snapshot_build(facilitator=me, quarter=Q)
    assert summary["fds.groups_without_session"] == 1
    assert summary["fds.sessions_held"] == 0 and summary["fds.attendance_pct"] is None


# --- aid ---------------------------------------------------------------------------------

COUNTED = [AidStatus.RECEIVING, AidStatus.ELIGIBLE, AidStatus.PROPOSED]


def _set_status(enrolment, status, when):
    enrolment.status = status
    enrolment._history_date = when
    enrolment.save()
    del enrolment._history_date


@pytest.mark.parametrize("seed", [1, 2])
def test_aid_coverage_is_the_quarter_end_state_from_history(pair, seed):
    rng = random.Random(seed)
    me, other = pair
    families = [household_at(when=BEFORE, facilitator=me) for _ in range(6)]
    stranger = household_at(when=BEFORE, facilitator=other)
    enrolments = list(
        AidEnrolment.objects.filter(household__in=[*families, stranger]).select_related(
            "aid", "member"
        )
    )
    assert enrolments, "the aid rules give these families enrolments"
    AidEnrolment.history.all().delete()  # replace the live history by a planned one
    statuses = list(AidStatus.values)
    plan = []  # (enrolment, status at P end, status at Q end)
    for e in enrolments:
        at_start, at_end = rng.choice(statuses), rng.choice(statuses)
        _set_status(e, at_start, Q.start - datetime.timedelta(days=20))
        _set_status(e, at_end, Q.start + datetime.timedelta(days=30))
        _set_status(e, rng.choice(statuses), Q.end + datetime.timedelta(days=3))  # later
        plan.append((e, at_start, at_end))
    # A family that leaves the programme during Q, a member who leaves the family in Q.
    exited = families[0]
    status_at(exited, status=HouseholdStatus.EXITED, when=Q.start + datetime.timedelta(days=40))
    leaver = next((e.member for e in enrolments if e.member and e.household != exited), None)
    if leaver:
        member_leave_at(leaver, when=Q.start + datetime.timedelta(days=45))

    _, summary = snapshot_build(facilitator=me, quarter=Q)

    def coverage(at_end: bool):
        counts = Counter()
        for e, start_status, end_status in plan:
            if e.household.facilitator != me or not e.aid.is_active:
                continue
            if at_end and (e.household == exited or (leaver and e.member == leaver)):
                continue
            status = end_status if at_end else start_status
            if status in COUNTED:
                counts["eligible"] += 1
                counts["receiving"] += status == AidStatus.RECEIVING
                counts["not_receiving"] += status == AidStatus.ELIGIBLE
        return counts

    end, start = coverage(True), coverage(False)

    def pct(c):
        return round(100 * c["receiving"] / c["eligible"], 1) if c["eligible"] else None

    want = {
        "aid.receiving": end["receiving"],
        "aid.receiving__prev": start["receiving"],
        "aid.eligible": end["eligible"],
        "aid.eligible__prev": start["eligible"],
        "aid.eligible_not_receiving": end["not_receiving"],
        "aid.coverage_pct": pct(end),
        "aid.coverage_pct__prev": pct(start),
    }
    assert {k: summary[k] for k in want} == want


def test_advocacy_cases_opened_and_resolved(pair):
    me, other = pair
    mine = household_at(when=BEFORE, facilitator=me)
    theirs = household_at(when=BEFORE, facilitator=other)
    in_q = Q.first_day + datetime.timedelta(days=10)
    in_p = P.first_day + datetime.timedelta(days=10)

    def case(household, opened_on, status=CaseStatus.OPEN, closed_on=None):
        return CaseFactory(
            household=household,
            kind=CaseKind.KKS_BLOCKED,
            opened_on=opened_on,
            next_step_due=None,
            status=status,
            closed_on=closed_on,
            outcome="Blokir dibuka bank" if closed_on else "",
        )

    case(mine, in_q)
    case(mine, in_q, CaseStatus.RESOLVED, in_q + datetime.timedelta(days=5))
    case(mine, in_p, CaseStatus.RESOLVED, in_q)  # opened in P, resolved in Q
    case(mine, in_p, CaseStatus.UNRESOLVABLE, in_p + datetime.timedelta(days=3))
    case(mine, Q.last_day + datetime.timedelta(days=2))  # after the quarter
    case(theirs, in_q, CaseStatus.RESOLVED, in_q)  # someone else's family
    _, summary = snapshot_build(facilitator=me, quarter=Q)
    assert (summary["aid.cases_opened"], summary["aid.cases_opened__prev"]) == (2, 2)
    assert (summary["aid.cases_resolved"], summary["aid.cases_resolved__prev"]) == (2, 0)
    assert (summary["aid.cases_unresolvable"], summary["aid.cases_unresolvable__prev"]) == (0, 1)


# --- queries -----------------------------------------------------------------------------


def _queries(facilitator) -> int:
    facilitator = type(facilitator).objects.get(pk=facilitator.pk)
    with CaptureQueriesContext(connection) as ctx:
        snapshot_build(facilitator=facilitator, quarter=Q)
    return len(ctx.captured_queries)


def test_new_sections_cost_the_same_queries_whatever_the_size(pair):
    small, large = pair
    for facilitator, n in [(small, 1), (large, 8)]:
        group = GroupFactory(facilitator=facilitator)
        families = add_families(group, n)
        for i in range(n):
            held_session(group, Q.first_day + datetime.timedelta(days=7 * i), {})
            h = families[i]
            PipelineEntry.objects.create(
                household=h, stage=Stage.TARGETED, stage_since=Q.first_day, created_by=facilitator
            )
            Graduation.objects.create(
                household=h,
                exit_type=ExitType.GRADUASI_MANDIRI,
                date=Q.first_day,
                source=GraduationSource.PROPOSAL,
                facilitator=facilitator,
                recorded_by=facilitator,
            )
            CaseFactory(household=h, opened_on=Q.first_day, next_step_due=None)
    assert _queries(small) == _queries(large) <= 30

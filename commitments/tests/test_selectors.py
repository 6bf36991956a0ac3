import datetime

import pytest

from commitments import rules
from commitments.models import Sector, VerificationEntry
from commitments.rules import Verdict
from commitments.selectors import compliance, due
from commitments.selectors.panel import household_commitments
from households.selectors import household_members

pytestmark = pytest.mark.django_db

D = datetime.date


def entry(member, code, month, **fields):
    sector = Sector.EDUCATION if code in ("SD", "SMP", "SMA") else Sector.HEALTH
    return VerificationEntry.objects.create(
        household=member.household, member=member, component_id=code, month=month,
        sector=sector, age_months=rules.age_in_months(member.birth_date, month),
        recorded_by=member.household.facilitator, **fields,
    )  # fmt: skip


def test_month_due_groups_by_school_and_facility(family, facilitator, month, school, posyandu):
    items = due.month_due(user=facilitator, month=month)
    assert {(i.component.code, i.key) for i in items} == {
        ("SD", (due.SCHOOL, school.pk)),
        ("ANAK_USIA_DINI", (due.FACILITY, posyandu.pk)),
    }
    groups = due.place_groups(items)
    assert [g.place for g in groups[Sector.EDUCATION]] == [school]
    assert [g.place for g in groups[Sector.HEALTH]] == [posyandu]


def test_another_facilitators_school_list_is_empty(family, other_facilitator, month, school):
    assert due.month_due(user=other_facilitator, month=month, place=(due.SCHOOL, school.pk)) == []


def test_member_without_enrolment_is_listed_without_place(facilitator, month):
    from households.tests.factories import household_with_members

    household_with_members(facilitator=facilitator)
    keys = {i.key for i in due.month_due(user=facilitator, month=month)}
    assert keys == {(due.UNKNOWN, 0)}


def test_member_who_changed_component_mid_quarter(family, facilitator, school, posyandu):
    """The toddler verified at the posyandu in July as ANAK_USIA_DINI, then holding SD from
    August (today's components): July shows the ANAK_USIA_DINI entry as it was, August
    asks SD at school; each month is judged under its own component."""
    child = family.members.get(components__code="ANAK_USIA_DINI")
    july, august = D(2025, 7, 1), D(2025, 8, 1)
    entry(child, "ANAK_USIA_DINI", july, facility=posyandu, posyandu_visit=True, weighed=True)
    child.components.set(["SD"])
    from commitments.tests.factories import enrol

    enrol(child, school, by=facilitator, start_on=D(2025, 7, 14), grade="1")
    in_july = [i for i in due.month_due(user=facilitator, month=july) if i.member == child]
    assert {(i.component.code, i.entry is not None) for i in in_july} == {
        ("ANAK_USIA_DINI", True),
        ("SD", False),
    }
    entry(
        child,
        "SD",
        august,
        school=school,
        school_days=21,
        days_sick=2,
        days_excused=0,
        days_unexcused=1,
    )  # 3 absent of 21 school days: 18/21 = 85.7 %
    rows = compliance.member_month_verdicts(households=[family.pk], start=july, end=august)
    got = [
        (row["component_id"], row["month"], row["verdict"])
        for row in rows
        if row["member_id"] == child.pk
    ]
    # 38 months old in July 2025 (born April 2022): weighed -> complies.
    assert got == [("ANAK_USIA_DINI", july, Verdict.COMPLIES), ("SD", august, Verdict.COMPLIES)]


def test_failing_runs_across_a_year_boundary(family):
    child = family.members.get(components__code="SD")
    for month in (D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)):
        entry(child, "SD", month, school_days=20, days_sick=0, days_excused=0, days_unexcused=8)
    runs = compliance.failing_runs(households=[family.pk], until=D(2026, 2, 1), length=2)
    assert [(r.member_id, r.months) for r in runs] == [
        (child.pk, (D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)))
    ]
    # Ended two months before ``until``: no longer current.
    assert compliance.failing_runs(households=[family.pk], until=D(2026, 3, 1), length=2) == []


def test_a_complying_month_breaks_the_run(family):
    child = family.members.get(components__code="SD")
    entry(child, "SD", D(2026, 1, 1), school_days=20, days_sick=0, days_excused=0, days_unexcused=8)
    entry(child, "SD", D(2026, 2, 1), school_days=20, days_sick=0, days_excused=0, days_unexcused=0)
    entry(child, "SD", D(2026, 3, 1), school_days=20, days_sick=0, days_excused=0, days_unexcused=8)
    assert compliance.failing_runs(households=[family.pk], until=D(2026, 3, 1), length=2) == []


def test_completeness_by_facilitator(family, facilitator, other_facilitator, month, school):
    from households.models import Household
    from households.tests.factories import household_with_members

    household_with_members(facilitator=other_facilitator)
    child = family.members.get(components__code="SD")
    entry(
        child,
        "SD",
        month,
        school=school,
        school_days=20,
        days_sick=0,
        days_excused=0,
        days_unexcused=0,
    )
    done = due.completeness_by_facilitator(households=Household.objects.all(), month=month)
    assert (done[facilitator.pk].due, done[facilitator.pk].entered) == (2, 1)
    assert (done[other_facilitator.pk].due, done[other_facilitator.pk].entered) == (2, 0)


def test_panel_six_months_and_next(family, month, school):
    child = family.members.get(components__code="SD")
    entry(child, "SD", rules.month_add(month, -1), school=school, school_days=20, days_sick=0,
          days_excused=0, days_unexcused=6)  # fmt: skip
    rows = household_commitments(
        household=family, members=household_members(household=family), current=month
    )
    sd = next(r for r in rows if r.component_code == "SD")
    assert [v for _m, v in sd.months][-2:] == [Verdict.FAILS, Verdict.NOT_ENTERED]
    assert sd.place == school.name
    assert sd.next_month == month  # the month being verified, not yet entered
    assert sd.next_asks.startswith("hadir minimal 85")

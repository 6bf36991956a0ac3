"""Consequences of non-compliance per family per quarter, against hand-computed cases.

The typical family (``household_with_members``): an SD child and a toddler
(ANAK_USIA_DINI). A failed SD month: 20 school days, 5 unexcused (75 % < 85 %); a
complied SD month: 20 days, none absent. A failed toddler month: nothing ticked."""

import datetime

import pytest
from django.test import override_settings

from commitments import rules
from commitments.models import Sector, VerificationEntry
from commitments.selectors.consequences import (
    Level,
    Thresholds,
    benefit_reductions,
    judged_quarter,
    quarter_consequences,
    quarter_label,
    quarter_start,
)
from households.models import BenefitRate

pytestmark = pytest.mark.django_db

D = datetime.date
Q4_2025, Q1_2026, Q2_2026 = D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1)


def record(member, code, month, *, fails: bool):
    """An entry of ``member`` for ``code`` in ``month``, failed or complied."""
    education = code in ("SD", "SMP", "SMA")
    if education:
        fields = {"school_days": 20, "days_unexcused": 5 if fails else 0}
    else:
        fields = {"weighed": not fails, "immunisation_given": not fails}
        fields["posyandu_visit"] = not fails
    return VerificationEntry.objects.create(
        household=member.household, member=member, component_id=code, month=month,
        sector=Sector.EDUCATION if education else Sector.HEALTH,
        age_months=rules.age_in_months(member.birth_date, month),
        recorded_by=member.household.facilitator, **fields,
    )  # fmt: skip


@pytest.fixture
def pupil(family):
    return family.members.get(components__code="SD")


@pytest.fixture
def toddler(family):
    return family.members.get(components__code="ANAK_USIA_DINI")


def of(family, quarter):
    return quarter_consequences(households=[family.pk], quarter=quarter).get(family.pk)


@pytest.mark.parametrize(
    "today, judged",
    [
        (D(2026, 4, 5), Q4_2025),  # March's entries still due until the 10th
        (D(2026, 4, 10), Q4_2025),
        (D(2026, 4, 11), Q1_2026),
        (D(2026, 1, 10), D(2025, 7, 1)),  # December still being entered
        (D(2026, 1, 11), Q4_2025),
        (D(2026, 6, 30), Q1_2026),
        (D(2026, 7, 11), Q2_2026),
    ],
)
def test_judged_quarter(today, judged):
    assert judged_quarter(today) == judged


@override_settings(PKH_COMMITMENT_ENTRY_DUE_DAY=3)
def test_judged_quarter_follows_the_due_day():
    assert judged_quarter(D(2026, 4, 4)) == Q1_2026


def test_quarter_helpers():
    assert quarter_start(D(2026, 3, 1)) == Q1_2026 and quarter_start(D(2026, 4, 1)) == Q2_2026
    assert quarter_label(D(2026, 10, 1)) == "IV 2026"


def test_a_family_that_complied_has_no_consequence(family, pupil, toddler):
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        record(pupil, "SD", month, fails=False)
        record(toddler, "ANAK_USIA_DINI", month, fails=False)
    assert of(family, Q1_2026) is None


def test_one_failed_month_is_a_first_warning(family, pupil):
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    record(pupil, "SD", D(2026, 3, 1), fails=False)
    c = of(family, Q1_2026)
    assert (c.months_failed, c.level, c.reductions) == (1, Level.WARNING, [])


def test_two_failed_months_in_the_quarter_reduce_the_benefit(family, pupil):
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    record(pupil, "SD", D(2026, 3, 1), fails=True)
    c = of(family, Q1_2026)
    assert (c.months_failed, c.level) == (2, Level.REDUCTION)
    (m,) = c.reductions
    assert (m.member_id, m.last_component, len(m.months)) == (pupil.pk, "SD", 2)


def test_two_months_in_a_row_across_the_quarter_boundary_are_two_warnings(family, pupil):
    """March (Q1) and April (Q2): two months in a row, but one in each quarter."""
    record(pupil, "SD", D(2026, 3, 1), fails=True)
    record(pupil, "SD", D(2026, 4, 1), fails=True)
    q1, q2 = of(family, Q1_2026), of(family, Q2_2026)
    assert (q1.months_failed, q1.level) == (1, Level.WARNING)
    assert (q2.months_failed, q2.level) == (1, Level.WARNING)
    assert q1.quarter == Q1_2026 and q2.quarter == Q2_2026


def test_a_whole_quarter_of_non_compliance_proposes_suspension(family, pupil):
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        record(pupil, "SD", month, fails=True)
    c = of(family, Q1_2026)
    assert (c.months_failed, c.quarters_in_a_row, c.level) == (3, 1, Level.SUSPENSION)


def test_months_failed_by_different_members_add_up_for_the_family(family, pupil, toddler):
    """Jan: the pupil; Feb: the toddler; Mar: the pupil. The family failed 3 months
    (suspension); only the pupil failed 2 (the toddler's 1 reduces nothing)."""
    record(pupil, "SD", D(2026, 1, 1), fails=True)
    record(toddler, "ANAK_USIA_DINI", D(2026, 2, 1), fails=True)
    record(pupil, "SD", D(2026, 2, 1), fails=False)
    record(pupil, "SD", D(2026, 3, 1), fails=True)
    c = of(family, Q1_2026)
    assert (c.months_failed, c.level) == (3, Level.SUSPENSION)
    assert [m.member_id for m in c.reductions] == [pupil.pk]


def test_two_failures_in_the_same_month_count_once(family, pupil, toddler):
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    record(toddler, "ANAK_USIA_DINI", D(2026, 2, 1), fails=True)
    c = of(family, Q1_2026)
    assert (c.months_failed, c.level) == (1, Level.WARNING)


def test_member_changing_component_mid_quarter(family, toddler):
    """January as ANAK_USIA_DINI (failed), February and March as SD (failed): one member,
    three months; the reduction falls on SD, the component of the last failed month."""
    record(toddler, "ANAK_USIA_DINI", D(2026, 1, 1), fails=True)
    toddler.components.set(["SD"])
    record(toddler, "SD", D(2026, 2, 1), fails=True)
    record(toddler, "SD", D(2026, 3, 1), fails=True)
    c = of(family, Q1_2026)
    (m,) = c.reductions
    assert (m.member_id, len(m.months), m.last_component) == (toddler.pk, 3, "SD")
    assert (c.months_failed, c.level) == (3, Level.SUSPENSION)


def test_member_changing_component_counts_both_components_months(family, toddler):
    """One month failed under each component: 2 months for the member: a reduction."""
    record(toddler, "ANAK_USIA_DINI", D(2026, 2, 1), fails=True)
    record(toddler, "SD", D(2026, 3, 1), fails=True)
    c = of(family, Q1_2026)
    (m,) = c.reductions
    assert (len(m.months), m.last_component, c.level) == (2, "SD", Level.REDUCTION)


def test_two_quarters_in_a_row_propose_cancellation(family, pupil):
    for month in (D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)):
        record(pupil, "SD", month, fails=True)
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        record(pupil, "SD", month, fails=True)
    c = of(family, Q1_2026)
    assert (c.quarters_in_a_row, c.level) == (2, Level.CANCELLATION)
    assert of(family, Q4_2025).level == Level.SUSPENSION  # the first of them


def test_a_gap_before_the_quarter_is_not_cancellation(family, pupil):
    """Q4 failed only 2 months (below the suspension threshold): Q1 is a first quarter."""
    for month in (D(2025, 10, 1), D(2025, 12, 1)):
        record(pupil, "SD", month, fails=True)
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        record(pupil, "SD", month, fails=True)
    c = of(family, Q1_2026)
    assert (c.quarters_in_a_row, c.level) == (1, Level.SUSPENSION)


def test_months_outside_the_quarter_do_not_count(family, pupil):
    record(pupil, "SD", D(2025, 12, 1), fails=True)
    record(pupil, "SD", D(2026, 4, 1), fails=True)
    assert of(family, Q1_2026) is None


@override_settings(PKH_COMMITMENT_SUSPENSION_MIN_MONTHS=2, PKH_COMMITMENT_WARNING_MIN_MONTHS=2)
def test_thresholds_are_settings(family, pupil):
    record(pupil, "SD", D(2026, 1, 1), fails=True)
    assert of(family, Q1_2026).level == Level.NONE  # 1 month: below the warning now
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    assert of(family, Q1_2026).level == Level.SUSPENSION


@override_settings(PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS=1)
def test_cancellation_after_one_quarter_when_set(family, pupil):
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        record(pupil, "SD", month, fails=True)
    assert of(family, Q1_2026).level == Level.CANCELLATION


@pytest.mark.parametrize(
    "name, value",
    [
        ("PKH_COMMITMENT_SUSPENSION_MIN_MONTHS", 4),
        ("PKH_COMMITMENT_WARNING_MIN_MONTHS", 0),
        ("PKH_COMMITMENT_REDUCTION_PERCENT", 120),
        ("PKH_COMMITMENT_CANCELLATION_AFTER_QUARTERS", 0),
    ],
)
def test_impossible_thresholds_are_refused(name, value):
    with override_settings(**{name: value}), pytest.raises(ValueError):
        Thresholds.from_settings()


def test_reduction_is_ten_percent_of_the_quarter_share(family, pupil):
    """SD at Rp 900.000 a year: a quarter's share is 225.000; 10 % of it is 22.500."""
    BenefitRate.objects.update_or_create(component_id="SD", year=2026, defaults={"amount": 900_000})
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    record(pupil, "SD", D(2026, 3, 1), fails=True)
    (red,) = benefit_reductions(
        household=family, counted_member_ids={pupil.pk}, year=2026, today=D(2026, 4, 11)
    )
    assert (red.member_id, red.component_id, red.quarter, red.amount) == (
        pupil.pk, "SD", Q1_2026, 22_500,
    )  # fmt: skip
    # Not yet judged (March still being entered on 5 April): no reduction yet.
    assert not benefit_reductions(
        household=family, counted_member_ids={pupil.pk}, year=2026, today=D(2026, 4, 5)
    )
    # A member whose benefit does not count in the estimate: nothing to reduce.
    assert not benefit_reductions(
        household=family, counted_member_ids=set(), year=2026, today=D(2026, 4, 11)
    )


@override_settings(PKH_COMMITMENT_REDUCTION_PERCENT=20)
def test_reduction_percent_is_a_setting(family, pupil):
    BenefitRate.objects.update_or_create(component_id="SD", year=2026, defaults={"amount": 900_000})
    record(pupil, "SD", D(2026, 2, 1), fails=True)
    record(pupil, "SD", D(2026, 3, 1), fails=True)
    (red,) = benefit_reductions(
        household=family, counted_member_ids={pupil.pk}, year=2026, today=D(2026, 7, 11)
    )
    assert red.amount == 45_000

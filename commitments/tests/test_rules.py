"""The commitment rules against hand-computed cases (no database)."""

import dataclasses
import datetime

import pytest
from django.test import override_settings

from commitments import rules
from commitments.rules import Rules, Verdict, age_in_months, month_add, required_items, verdict

D = datetime.date


@dataclasses.dataclass
class Facts:
    component_id: str
    age_months: int = 100
    enrolled: bool = True
    school_days: int | None = None
    days_sick: int | None = None
    days_excused: int | None = None
    days_unexcused: int | None = None
    antenatal_check: bool | None = None
    weighed: bool | None = None
    immunisation_given: bool | None = None
    posyandu_visit: bool | None = None
    care_visit: bool | None = None


@pytest.fixture
def r():
    return Rules.from_settings()


def school(sick=0, excused=0, unexcused=0, days=20, component="SD", **kw):
    return Facts(
        component, school_days=days, days_sick=sick, days_excused=excused,
        days_unexcused=unexcused, **kw,
    )  # fmt: skip


class TestEducation:
    def test_exactly_85_percent_complies(self, r):
        # 20 school days, 3 absent: 17/20 = 85 % -> memenuhi.
        assert verdict(school(sick=1, excused=1, unexcused=1), r) == Verdict.COMPLIES

    def test_just_below_85_percent_fails(self, r):
        # 20 days, 4 absent: 16/20 = 80 %.
        assert verdict(school(unexcused=4), r) == Verdict.FAILS
        # 21 days, 4 absent: 17/21 = 80.95 %; 3 absent: 18/21 = 85.7 %.
        assert verdict(school(unexcused=4, days=21), r) == Verdict.FAILS
        assert verdict(school(unexcused=3, days=21), r) == Verdict.COMPLIES

    def test_rounding_does_not_help(self, r):
        # 13 days, 2 absent: 11/13 = 84.6 % (would round to 85).
        assert verdict(school(sick=2, days=13, component="SMP"), r) == Verdict.FAILS

    def test_no_school_days_asks_nothing(self, r):
        assert verdict(school(days=0), r) == Verdict.EXEMPT

    def test_not_enrolled_fails(self, r):
        assert verdict(school(enrolled=False), r) == Verdict.FAILS

    def test_missing_days_fails(self, r):
        assert verdict(Facts("SMA"), r) == Verdict.FAILS

    @override_settings(PKH_COMMITMENT_ABSENCES_COUNTED=["unexcused"])
    def test_only_unexcused_counted_when_set(self):
        r = Rules.from_settings()
        # 6 sick days do not count; 3 unexcused of 20: 85 %.
        assert verdict(school(sick=6, unexcused=3), r) == Verdict.COMPLIES
        assert verdict(school(sick=6, unexcused=4), r) == Verdict.FAILS

    @override_settings(PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT=90)
    def test_threshold_is_a_setting(self):
        assert verdict(school(unexcused=3), Rules.from_settings()) == Verdict.FAILS
        assert verdict(school(unexcused=2), Rules.from_settings()) == Verdict.COMPLIES

    def test_attendance_percent(self, r):
        assert rules.attendance_percent(school(unexcused=3), r) == 85
        assert rules.attendance_percent(school(days=0), r) is None


class TestAge:
    def test_birth_month_is_zero(self):
        assert age_in_months(D(2026, 1, 15), D(2026, 1, 1)) == 0

    def test_born_on_the_31st_skips_no_month(self):
        born = D(2026, 1, 31)
        assert [age_in_months(born, D(2026, m, 1)) for m in (1, 2, 3)] == [0, 1, 2]

    def test_across_year_boundary(self):
        assert age_in_months(D(2025, 12, 31), D(2026, 1, 1)) == 1
        assert age_in_months(D(2021, 3, 1), D(2026, 2, 1)) == 59
        assert age_in_months(D(2021, 3, 1), D(2026, 3, 1)) == 60

    def test_month_add(self):
        assert month_add(D(2026, 11, 1), 2) == D(2027, 1, 1)
        assert month_add(D(2026, 1, 1), -1) == D(2025, 12, 1)
        assert month_add(D(2026, 3, 1), -14) == D(2025, 1, 1)


class TestHealth:
    def test_ibu_hamil_needs_antenatal_check(self, r):
        assert verdict(Facts("IBU_HAMIL", antenatal_check=True), r) == Verdict.COMPLIES
        assert verdict(Facts("IBU_HAMIL", antenatal_check=False), r) == Verdict.FAILS
        assert verdict(Facts("IBU_HAMIL"), r) == Verdict.FAILS

    def test_under_five_weighed_monthly(self, r):
        # 7 months: no immunisation due, weighing only.
        assert required_items("ANAK_USIA_DINI", 7, r) == ("weighed",)
        assert verdict(Facts("ANAK_USIA_DINI", 7, weighed=True), r) == Verdict.COMPLIES
        assert verdict(Facts("ANAK_USIA_DINI", 7, weighed=False), r) == Verdict.FAILS

    def test_immunisation_month(self, r):
        # 9 months (measles/MR): weighing and immunisation.
        assert required_items("ANAK_USIA_DINI", 9, r) == ("weighed", "immunisation_given")
        weighed_only = Facts("ANAK_USIA_DINI", 9, weighed=True, immunisation_given=False)
        assert verdict(weighed_only, r) == Verdict.FAILS
        both = Facts("ANAK_USIA_DINI", 9, weighed=True, immunisation_given=True)
        assert verdict(both, r) == Verdict.COMPLIES

    def test_fifth_birthday_month_ends_weighing(self, r):
        # 59 months: still weighed; 60 months (the month of the 5th birthday): posyandu visit.
        assert required_items("ANAK_USIA_DINI", 59, r) == ("weighed",)
        assert required_items("ANAK_USIA_DINI", 60, r) == ("posyandu_visit",)
        assert verdict(Facts("ANAK_USIA_DINI", 60, weighed=False, posyandu_visit=True), r) == (
            Verdict.COMPLIES
        )

    def test_lansia_and_disabilitas_care_visit(self, r):
        assert verdict(Facts("LANSIA", 800, care_visit=True), r) == Verdict.COMPLIES
        assert verdict(Facts("DISABILITAS", 300, care_visit=False), r) == Verdict.FAILS

    @override_settings(PKH_COMMITMENT_LANSIA_ITEMS=[])
    def test_no_item_asked_is_exempt(self):
        assert verdict(Facts("LANSIA", 800), Rules.from_settings()) == Verdict.EXEMPT

    @override_settings(PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS=[2, 3, 4])
    def test_immunisation_ages_are_a_setting(self):
        assert required_items("ANAK_USIA_DINI", 9, Rules.from_settings()) == ("weighed",)

    @override_settings(PKH_COMMITMENT_LANSIA_ITEMS=["care_vist"])
    def test_unknown_item_in_setting_refused(self):
        with pytest.raises(ValueError, match="care_vist"):
            Rules.from_settings()

    def test_component_without_commitment(self, r):
        assert verdict(Facts("LAINNYA"), r) == Verdict.EXEMPT


def test_member_changing_component_mid_quarter(r):
    """A child who turns school age: ANAK_USIA_DINI in January at the posyandu (72 months
    old, past weighing: the posyandu visit), SD from February at school. Each month is
    judged under the component of its own entry."""
    january = Facts("ANAK_USIA_DINI", 72, posyandu_visit=True)
    february = school(days=19, unexcused=2, age_months=73)  # 17/19 = 89.5 %
    march = school(days=22, unexcused=4, age_months=74)  # 18/22 = 81.8 %
    assert [verdict(f, r) for f in (january, february, march)] == [
        Verdict.COMPLIES,
        Verdict.COMPLIES,
        Verdict.FAILS,
    ]


def test_failed_in_a_row():
    c, f, n = Verdict.COMPLIES, Verdict.FAILS, Verdict.NOT_ENTERED
    assert rules.months_failed_in_a_row([c, f, f]) == 2
    assert rules.months_failed_in_a_row([f, c, f]) == 1
    assert rules.months_failed_in_a_row([f, n, f]) == 1
    assert rules.months_failed_in_a_row([f, f, c]) == 0

"""The database's verdict (``selectors.compliance``) agrees with the rules module's."""

import datetime
import itertools

import pytest
from django.test import override_settings

from commitments import rules
from commitments.models import Sector, VerificationEntry
from commitments.rules import Rules, Verdict
from commitments.selectors import compliance
from households.tests.factories import HouseholdFactory, MemberFactory, ensure_components

pytestmark = pytest.mark.django_db

D = datetime.date


def _cases():
    """(component, age, fields) covering every branch of the rules."""
    education = [
        {"school_days": days, "days_sick": s, "days_excused": e, "days_unexcused": u}
        for days, s, e, u in [
            (20, 1, 1, 1), (20, 0, 0, 4), (21, 0, 0, 3), (13, 2, 0, 0), (0, 0, 0, 0),
            (22, 6, 0, 0), (19, 0, 0, 0),
        ]
    ] + [{"school_days": None}, {"enrolled": False, "school_days": None}]  # fmt: skip
    health_values = [True, False, None]
    health = [
        dict(zip(rules.HEALTH_ITEMS, combo, strict=True))
        for combo in itertools.product(health_values, repeat=len(rules.HEALTH_ITEMS))
        if combo.count(None) >= 2
    ]
    cases = []
    for code in ("SD", "SMP", "SMA"):
        cases += [(code, 100, f) for f in education]
    for code, ages in (
        ("IBU_HAMIL", [300]),
        ("ANAK_USIA_DINI", [0, 7, 9, 18, 59, 60, 72]),
        ("LANSIA", [800]),
        ("DISABILITAS", [400]),
    ):
        cases += [(code, age, f) for age in ages for f in health]
    cases += [("ANAK_USIA_DINI", 9, {"enrolled": False, "weighed": True})]
    return cases


def _entries():
    ensure_components()
    household = HouseholdFactory()
    by = household.facilitator
    member = MemberFactory(household=household)
    entries = []
    for i, (code, age, fields) in enumerate(_cases()):
        entries.append(
            VerificationEntry(
                household=household,
                member=member,
                component_id=code,
                month=rules.month_add(D(2000, 1, 1), i),
                sector=Sector.EDUCATION if code in ("SD", "SMP", "SMA") else Sector.HEALTH,
                age_months=age,
                recorded_by=by,
                **fields,
            )
        )
    VerificationEntry.objects.bulk_create(entries)
    return entries


def _agree():
    r = Rules.from_settings()
    entries = _entries()
    sql = dict(compliance.entries_with_verdict(rules=r).values_list("month", "verdict"))
    mismatches = [
        (e.component_id, e.age_months, sql[e.month], rules.verdict(e, r))
        for e in entries
        if sql[e.month] != rules.verdict(e, r)
    ]
    assert not mismatches
    return sql


def test_sql_verdict_agrees_with_rules():
    verdicts = set(_agree().values())
    assert verdicts == {Verdict.COMPLIES, Verdict.FAILS, Verdict.EXEMPT}


@override_settings(
    PKH_COMMITMENT_ABSENCES_COUNTED=["unexcused"],
    PKH_COMMITMENT_ATTENDANCE_MIN_PERCENT=90,
    PKH_COMMITMENT_IMMUNISATION_AGES_MONTHS=[7, 18],
    PKH_COMMITMENT_UNDER_FIVE_ITEMS=["weighed", "posyandu_visit"],
    PKH_COMMITMENT_LANSIA_ITEMS=[],
)
def test_sql_verdict_agrees_under_other_settings():
    _agree()


def test_rates_by_component():
    ensure_components()
    household = HouseholdFactory()
    member = MemberFactory(household=household)
    common = {"household": household, "member": member, "recorded_by": household.facilitator}
    VerificationEntry.objects.bulk_create(
        [
            VerificationEntry(component_id="SD", month=D(2026, 1, 1), sector="pendidikan",
                              age_months=110, school_days=20, days_sick=0, days_excused=0,
                              days_unexcused=0, **common),
            VerificationEntry(component_id="SD", month=D(2026, 2, 1), sector="pendidikan",
                              age_months=111, school_days=20, days_sick=0, days_excused=0,
                              days_unexcused=10, **common),
            VerificationEntry(component_id="SD", month=D(2026, 3, 1), sector="pendidikan",
                              age_months=112, school_days=0, days_sick=0, days_excused=0,
                              days_unexcused=0, **common),
            VerificationEntry(component_id="LANSIA", month=D(2026, 1, 1), sector="kesehatan",
                              age_months=800, care_visit=True, **common),
        ]
    )  # fmt: skip
    rates = compliance.compliance_by_component(VerificationEntry.objects.all())
    assert (rates["SD"].complies, rates["SD"].fails, rates["SD"].exempt) == (1, 1, 1)
    assert rates["SD"].percent == 50
    assert rates["LANSIA"].percent == 100

"""The eligibility rule's SQL (``assistance.eligibility``) against the rule for one member
the family page uses, and the set-based refresh against the per-family one."""

import datetime

import pytest
from django.db import transaction

from assistance import eligibility
from assistance.models import (
    Aid,
    AidEnrolment,
    AidStatus,
    AidUnit,
    CoverageCount,
    EligibilityRule,
    StatusSource,
)
from assistance.selectors.catalogue import member_rule_eligible
from assistance.services.coverage import coverage_counts_rebuild
from assistance.services.eligibility import aid_eligibility_refresh
from households.models import HouseholdStatus, Member, Sex
from households.tests.factories import HouseholdFactory, MemberFactory, household_with_members

pytestmark = pytest.mark.django_db

LEAP_DAY = datetime.date(2024, 2, 29)


def _birthdays(on: datetime.date) -> list[datetime.date]:
    """Birth dates on and around the age limits of the catalogue (KIP 6-21) as of ``on``."""
    days = []
    for years in (5, 6, 21, 22, 70):
        anniversary = eligibility.years_before(on, years)
        days += [anniversary - datetime.timedelta(days=1), anniversary]
        days.append(anniversary + datetime.timedelta(days=1))
    # Born on a 29 February, and on the days around it.
    days += [datetime.date(2016, 2, 28), datetime.date(2016, 2, 29), datetime.date(2016, 3, 1)]
    return days


@pytest.fixture
def extra_aids():
    """A per-family aid for families with a member holding a component, and a
    per-member aid with only an upper age limit: the branches the seeded catalogue lacks."""
    family_aid = Aid.objects.create(
        code="TESTFAM", name="Uji", ministry="-", unit=AidUnit.FAMILY,
        eligibility=EligibilityRule.COMPONENTS,
    )  # fmt: skip
    family_aid.components.set(["DISABILITAS"])
    Aid.objects.create(
        code="TESTBALITA", name="Uji", ministry="-", unit=AidUnit.MEMBER,
        eligibility=EligibilityRule.EVERY, max_age=5,
    )  # fmt: skip


def _population(facilitator, on):
    """Families of every kind: active and exited, members around the age limits, with
    and without components, one who has left."""
    households = []
    components = [["SD"], ["SMA"], [], ["DISABILITAS"], ["LANSIA"]]
    for i, birth_date in enumerate(_birthdays(on)):
        household = HouseholdFactory(facilitator=facilitator)
        MemberFactory(
            household=household,
            birth_date=birth_date,
            sex=Sex.MALE if i % 2 else Sex.FEMALE,
            components=components[i % len(components)],
        )
        households.append(household)
    exited = household_with_members(facilitator=facilitator, status=HouseholdStatus.EXITED)
    leaver = household_with_members(facilitator=facilitator)
    Member.objects.filter(household=leaver, components__code="SD").update(left_on=on)
    return [*households, exited, leaver]


def _python_rule(households, aids, on):
    """The rule as the family page evaluates it, member by member."""
    expected = set()
    for household in households:
        household.refresh_from_db()
        if household.status != HouseholdStatus.ACTIVE:
            continue
        members = [m for m in household.members.prefetch_related("components") if not m.left_on]
        for aid in aids:
            wanted = {c.code for c in aid.components.all()}
            if aid.unit == AidUnit.FAMILY:
                if aid.eligibility == EligibilityRule.EVERY or (
                    aid.eligibility == EligibilityRule.COMPONENTS
                    and any({c.code for c in m.components.all()} & wanted for m in members)
                ):
                    expected.add((aid.code, household.pk, None))
                continue
            for member in members:
                if member_rule_eligible(
                    aid=aid,
                    component_codes={c.code for c in member.components.all()},
                    birth_date=member.birth_date,
                    on=on,
                ):
                    expected.add((aid.code, household.pk, member.pk))
    return expected


@pytest.mark.parametrize(
    "on",
    [LEAP_DAY, datetime.date(2024, 3, 1), datetime.date(2025, 2, 28), datetime.date.today()],
)
def test_rule_in_sql_agrees_with_the_rule_for_one_member(facilitator, extra_aids, on):
    households = _population(facilitator, on)
    aids = list(Aid.objects.filter(is_active=True).prefetch_related("components"))
    ids = [h.pk for h in households]
    got = eligibility.rule_subjects(household_ids=ids, on=on, aids=aids)
    expected = _python_rule(households, aids, on)
    assert got == expected
    # Every branch of the rule is exercised: both kinds of family aid, member aids with
    # both limits, with an upper limit only, and with components.
    assert {code for code, _h, _m in got} >= {"KIS", "KIP", "SEMBAKO", "TESTFAM", "TESTBALITA"}


class _Rollback(Exception):
    pass


def _snapshot():
    rows = sorted(
        AidEnrolment.objects.values_list(
            "aid_id",
            "household_id",
            "member_id",
            "status",
            "since",
            "source",
            "in_programme",
            "facilitator_id",
            "village_id",
        )
    )
    history = sorted(
        AidEnrolment.history.values_list(
            "aid_id",
            "household_id",
            "member_id",
            "status",
            "source",
            "history_type",
            "history_change_reason",
            "history_user_id",
        )
    )
    coverage = sorted(
        CoverageCount.objects.values_list(
            "facilitator_id", "village_id", "aid_id", "receiving", "not_receiving", "proposed"
        )
    )
    return rows, history, coverage


def _refreshed(ids, set_based):
    """Refresh one way, take the result, and undo it."""
    try:
        with transaction.atomic():
            written = aid_eligibility_refresh(household_ids=ids, set_based=set_based)
            result = (written, _snapshot())
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_set_based_refresh_writes_what_the_per_family_refresh_writes(
    facilitator, other_facilitator, extra_aids
):
    on = datetime.date.today()
    households = _population(facilitator, on)
    ids = [h.pk for h in households]
    # Give both refreshes work of every kind: missing rows, rule rows in the wrong state,
    # a status set by a user (kept), stale copies of the family's facilitator.
    AidEnrolment.objects.filter(aid="KIS").delete()
    AidEnrolment.objects.filter(aid="SEMBAKO").update(status=AidStatus.NOT_ELIGIBLE)
    AidEnrolment.objects.filter(aid="KKS").update(
        status=AidStatus.RECEIVING, source=StatusSource.USER, facilitator=other_facilitator
    )
    AidEnrolment.objects.filter(aid="KIP").update(in_programme=False)
    coverage_counts_rebuild()
    before = _snapshot()

    per_family = _refreshed(ids, set_based=False)
    set_based = _refreshed(ids, set_based=True)

    assert _snapshot() == before  # both were undone
    assert per_family[0] > 0
    assert set_based == per_family


def _coverage():
    return sorted(
        CoverageCount.objects.values_list(
            "facilitator_id", "village_id", "aid_id", "receiving", "not_receiving", "proposed"
        )
    )


def _recounted():
    """The rollup as a full recount from the aid rows gives it (undone afterwards)."""
    try:
        with transaction.atomic():
            coverage_counts_rebuild()
            result = _coverage()
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_set_based_refresh_keeps_the_rollup_equal_to_a_full_recount(
    facilitator, other_facilitator, extra_aids
):
    """The set-based writes move the rollup by the differences they make (rows taken
    out of a count, put into another, created), not by recounting every touched pair."""
    on = datetime.date.today()
    households = _population(facilitator, on)
    ids = [h.pk for h in households]
    aid_eligibility_refresh(household_ids=ids, set_based=True)
    coverage_counts_rebuild()
    # Then changes of every kind: a transfer, an exit, a rule row gone, a receiving row.
    moved, exited = households[0], households[1]
    type(moved).objects.filter(pk=moved.pk).update(facilitator=other_facilitator)
    type(exited).objects.filter(pk=exited.pk).update(status=HouseholdStatus.EXITED)
    AidEnrolment.objects.filter(aid="KIS").delete()
    AidEnrolment.objects.filter(aid="SEMBAKO", household=households[2]).update(
        status=AidStatus.RECEIVING, source=StatusSource.USER
    )
    coverage_counts_rebuild()
    assert aid_eligibility_refresh(household_ids=ids, set_based=True) > 0
    assert CoverageCount.objects.exists()
    assert _coverage() == _recounted()


def test_a_rollup_out_of_step_is_recounted_for_the_touched_pairs(facilitator, extra_aids):
    """If the differences do not apply to the rollup as it is (here: it was emptied, so
    the rows leaving a count have nothing to leave), the touched pairs are recounted
    from the aid rows instead, as a full recount gives them."""
    on = datetime.date.today()
    households = _population(facilitator, on)
    ids = [h.pk for h in households]
    aid_eligibility_refresh(household_ids=ids, set_based=True)
    CoverageCount.objects.all().delete()
    type(households[0]).objects.filter(pk__in=ids).update(status=HouseholdStatus.SUSPENDED)
    assert aid_eligibility_refresh(household_ids=ids, set_based=True) > 0
    type(households[0]).objects.filter(pk__in=ids).update(status=HouseholdStatus.ACTIVE)
    assert aid_eligibility_refresh(household_ids=ids, set_based=True) > 0
    assert CoverageCount.objects.exists()
    assert _coverage() == _recounted()
